package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

/** Whole blocks built from many ops, so gradients flow through views of views and reused intermediates. */
class CompositeGradTest {
    private static final int B = 2, T = 3, C = 4, H = 2, D = C / H;

    /** Multi-head self-attention with a key-padding mask, residual, layer norm and a GELU feed-forward. */
    private static Tensor encoderBlock(Tensor[] in, Tensor padMask) {
        Tensor x = in[0], wqkv = in[1], wo = in[2], gamma = in[3], beta = in[4], w1 = in[5], w2 = in[6];
        Tensor qkv = x.matmul(wqkv);                                  // (B,T,3C)
        Tensor[] parts = Views.split(qkv, -1, C, C, C);
        Tensor q = parts[0].reshape(B, T, H, D).permute(0, 2, 1, 3); // (B,H,T,D)
        Tensor k = parts[1].reshape(B, T, H, D).permute(0, 2, 1, 3);
        Tensor v = parts[2].reshape(B, T, H, D).permute(0, 2, 1, 3);
        Tensor scores = q.matmul(k.transpose(-1, -2)).mul(1 / Math.sqrt(D)); // (B,H,T,T)
        scores = Nn.maskedFill(scores, padMask, -1e9);                      // mask (B,1,1,T)
        Tensor attn = Nn.dropout(Nn.softmax(scores), 0.2, 11, true);
        Tensor ctx = attn.matmul(v).permute(0, 2, 1, 3).reshape(B, T, C);
        Tensor h = Nn.layerNorm(x.add(ctx.matmul(wo)), gamma, beta, 1e-5);
        return h.add(h.matmul(w1).gelu().matmul(w2));
    }

    @Test
    void encoderBlockGradients() {
        Tensor padMask = Tensor.ofInts(new int[] {0, 0, 1, 0, 0, 0}, B, 1, 1, T); // last token of sequence 0 is padding
        check("encoder block", in -> encoderBlock(in, padMask),
                randn(1, B, T, C), randn(2, C, 3 * C).mul(0.5).detach().requiresGrad(true), randn(3, C, C),
                randn(4, C), randn(5, C), randn(6, C, 2 * C), randn(7, 2 * C, C));
    }

    @Test
    void languageModelHeadWithTiedEmbeddingAndIgnoredTargets() {
        Tensor ids = Tensor.ofInts(new int[] {3, 1, 4, 1, 5, 0}, B, T);
        Tensor targets = Tensor.ofInts(new int[] {1, -100, 1, 5, -100, 2});
        check("embedding -> tied head -> cross-entropy", in -> {
            Tensor emb = in[0];                                      // (V,C), used twice
            Tensor h = Nn.embedding(emb, ids).add(in[1].unsqueeze(0)); // + positions (T,C)
            Tensor logits = h.reshape(B * T, C).matmul(emb.transpose(0, 1)).add(in[2]);
            return Nn.crossEntropy(logits, targets, -100);
        }, randn(10, 6, C), randn(11, T, C), randn(12, 6));
    }

    @Test
    void meanPoolingAndClassification() {
        Tensor mask = Tensor.of(new double[] {1, 1, 0, 1, 1, 1}, B, T, 1);
        check("masked mean pool -> tanh -> log_softmax", in -> {
            Tensor summed = in[0].mul(mask).sum(1, false);                  // (B,C)
            Tensor pooled = summed.div(mask.sum(1, false));                 // (B,1) broadcast
            return Nn.logSoftmax(pooled.matmul(in[1]).tanh()).max(-1, false).add(Reductions.mean(in[0], new int[] {1, 2}, false));
        }, randn(20, B, T, C), randn(21, C, 3));
    }
}
