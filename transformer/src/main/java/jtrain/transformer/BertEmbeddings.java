package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.nn.Dropout;
import jtrain.transformer.nn.Embedding;
import jtrain.transformer.nn.LayerNorm;
import jtrain.transformer.nn.Module;

/** word + position + token-type embeddings, then LayerNorm and dropout. */
public final class BertEmbeddings extends Module {
    public final Embedding wordEmbeddings;
    final Embedding positionEmbeddings;
    final Embedding tokenTypeEmbeddings;
    final LayerNorm layerNorm;
    final Dropout dropout;
    private final int maxPositions;

    BertEmbeddings(BertConfig c, Rng init, Rng dropoutRng) {
        wordEmbeddings = child("word_embeddings", new Embedding(c.vocabSize(), c.hiddenSize(), c.initializerRange(), c.padTokenId(), init));
        positionEmbeddings = child("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize(), c.initializerRange(), -1, init));
        tokenTypeEmbeddings = child("token_type_embeddings", new Embedding(c.typeVocabSize(), c.hiddenSize(), c.initializerRange(), -1, init));
        layerNorm = child("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        dropout = child("dropout", new Dropout(c.hiddenDropoutProb(), dropoutRng));
        maxPositions = c.maxPositionEmbeddings();
    }

    /** inputIds, tokenTypeIds (B, T) int -> (B, T, C). */
    Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
        int t = inputIds.size(1);
        if (t > maxPositions) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings " + maxPositions);
        }
        int[] positions = new int[t];
        for (int i = 0; i < t; i++) positions[i] = i;
        Tensor pos = Tensor.ofInts(positions, 1, t).to(inputIds.device());                 // (1, T)
        Tensor x = wordEmbeddings.forward(inputIds)                                         // (B, T, C)
                .add(tokenTypeEmbeddings.forward(tokenTypeIds))
                .add(positionEmbeddings.forward(pos));                                      // broadcast over B
        return dropout.forward(layerNorm.forward(x));
    }
}
