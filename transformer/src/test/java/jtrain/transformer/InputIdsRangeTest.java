package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;

/**
 * Ids the model's embeddings cannot look up are refused before the forward pass, naming the tensor, the row and
 * position, and the config.json field that bounds them (the embedding kernel alone would name none of these); token
 * types and an attention mask of another shape than the ids are refused naming them.
 */
class InputIdsRangeTest {
    /** A model with one token type, as some HF BERT checkpoints have (type_vocab_size 1): it takes single texts only. */
    static BertForSequenceClassification oneTokenType() {
        BertConfig config = BertConfig.fromJson(Json.parseObject("""
                {"vocab_size": 30, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 5, "max_position_embeddings": 16, "type_vocab_size": 1}""", "config.json"), "config.json")
                .withLabels(java.util.List.of("a", "b"));
        return new BertForSequenceClassification(config, new Rng(1), new Rng(2));
    }

    @Test
    void aTextPairOnAModelWithOneTokenTypeNamesTypeVocabSize() {
        BertForSequenceClassification model = oneTokenType();
        Tensor ids = Tensor.ofInts(new int[] {2, 5, 3, 6, 3}, 1, 5);
        Tensor pairTypes = Tensor.ofInts(new int[] {0, 0, 0, 1, 1}, 1, 5);   // [CLS] a [SEP] b [SEP]
        var e = assertThrows(IllegalArgumentException.class, () -> model.logits(ids, pairTypes, null));
        assertEquals("token_type_ids: id 1 at row 0, position 3 is outside the model's type_vocab_size 1 (config.json)"
                + ": a text pair's second text has token type 1, so this model takes single texts only", e.getMessage());
        // A single text (all token types 0, or none given) runs.
        assertArrayEquals(new int[] {1, 2}, model.logits(ids, Tensor.ofInts(new int[5], 1, 5), null).shape());
        assertArrayEquals(new int[] {1, 2}, model.logits(ids, null, null).shape());
    }

    @Test
    void aTokenIdBeyondTheVocabularyNamesVocabSize() {
        BertForSequenceClassification model = oneTokenType();
        Tensor ids = Tensor.ofInts(new int[] {2, 5, 3, 2, 30, 3}, 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> model.logits(ids, null, null));
        assertEquals("input_ids: id 30 at row 1, position 1 is outside the model's vocab_size 30 (config.json)", e.getMessage());
        Tensor negative = Tensor.ofInts(new int[] {2, -1, 3}, 1, 3);
        e = assertThrows(IllegalArgumentException.class, () -> model.logits(negative, null, null));
        assertEquals("input_ids: id -1 at row 0, position 1 is outside the model's vocab_size 30 (config.json)", e.getMessage());
    }

    @Test
    void tokenTypesAndAttentionMaskMustHaveTheShapeOfTheIds() {
        BertForSequenceClassification model = oneTokenType();
        Tensor ids = Tensor.ofInts(new int[] {2, 5, 3}, 1, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> model.logits(ids, null, Tensor.ofInts(new int[] {1, 1, 1, 0}, 1, 4)));
        assertEquals("attention_mask must have the shape of input_ids [1, 3], got Tensor[1, 4] I32 cpu", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.logits(ids, Tensor.ofInts(new int[3], 3, 1), null));
        assertEquals("token_type_ids must have the shape of input_ids [1, 3], got Tensor[3, 1] I32 cpu", e.getMessage());
    }
}
