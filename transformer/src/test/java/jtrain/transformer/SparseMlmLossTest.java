package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/**
 * The sparse MLM loss (vocabulary projection only at labelled positions) and the fused full loss (projection
 * everywhere, backward through the labelled rows) equal loss(logits(...)), gradients too.
 */
class SparseMlmLossTest {
    @Test
    void sameLossAndGradientsAsTheFullProjection() {
        sameAsLogitsThenLoss(false);
    }

    @Test
    void fusedFullLossMatchesLogitsThenLoss() {
        sameAsLogitsThenLoss(true);
    }

    private void sameAsLogitsThenLoss(boolean fused) {
        BertConfig c = BertConfig.of(40, 2, 16, 2, 32).withDropout(0, 0).withMaxPositions(8);
        Tensor ids = Tensor.ofInts(new int[] {2, 7, 4, 11, 3, 0, 2, 4, 6, 4, 3, 0}, 2, 6);
        Tensor mask = Tensor.ofInts(new int[] {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0}, 2, 6);
        Tensor labels = Tensor.ofInts(new int[] {-100, -100, 9, -100, -100, -100, -100, 5, -100, 8, -100, -100}, 2, 6);

        BertForMaskedLM full = new BertForMaskedLM(c, new Rng(1), new Rng(2));
        Tensor l1 = full.loss(full.logits(ids, null, mask), labels);
        l1.backward();
        BertForMaskedLM sparse = new BertForMaskedLM(c, new Rng(1), new Rng(2));
        Tensor l2 = fused ? sparse.fullLoss(ids, null, mask, labels) : sparse.sparseLoss(ids, null, mask, labels);
        l2.backward();

        assertEquals(l1.item(), l2.item(), 1e-6);
        Map<String, Tensor> g2 = sparse.namedParameters();
        for (Map.Entry<String, Tensor> p : full.namedParameters().entrySet()) {
            float[] a = p.getValue().grad().toFloatArray(), b = g2.get(p.getKey()).grad().toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 + 1e-4 * Math.abs(a[i]), p.getKey() + "[" + i + "]");
        }
    }

    @Test
    void noLabelledPositionGivesAZeroLossThatStillBackPropagates() {
        BertConfig c = BertConfig.of(40, 1, 16, 2, 32).withDropout(0, 0).withMaxPositions(8);
        BertForMaskedLM m = new BertForMaskedLM(c, new Rng(1), new Rng(2));
        Tensor ids = Tensor.ofInts(new int[] {2, 7, 3}, 1, 3);
        Tensor loss = m.sparseLoss(ids, null, null, Tensor.ofInts(new int[] {-100, -100, -100}, 1, 3));
        assertEquals(0, loss.item());
        loss.backward();
        Tensor full = m.fullLoss(ids, null, null, Tensor.ofInts(new int[] {-100, -100, -100}, 1, 3));
        assertEquals(0, full.item());
        full.backward();
    }
}
