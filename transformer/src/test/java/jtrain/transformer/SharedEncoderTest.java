package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/** An MLM head on a classifier's encoder: one set of encoder weights, HF names unchanged. */
class SharedEncoderTest {
    @Test
    void maskedLmOnAnExistingEncoderSharesItsTensors() {
        BertConfig config = CheckpointTest.tiny().withLabels(java.util.List.of("a", "b"));
        BertForSequenceClassification cls = new BertForSequenceClassification(config, new Rng(1), new Rng(2));
        BertForMaskedLM mlm = new BertForMaskedLM(cls.bert, new Rng(3), cls.dropoutRng());
        assertSame(cls.bert, mlm.bert);
        Map<String, Tensor> a = cls.namedParameters(), b = mlm.namedParameters();
        for (String name : a.keySet()) {
            if (name.startsWith("bert.")) assertSame(a.get(name), b.get(name), name);
        }
        assertTrue(b.containsKey("cls.predictions.transform.dense.weight"));
        assertTrue(b.containsKey("cls.predictions.bias"));
        // The MLM loss reaches the shared encoder's gradients.
        Tensor ids = CheckpointTest.ids();
        Tensor labels = Tensor.ofInts(new int[] {-100, 7, -100, -100, -100, -100, -100, -100, 6, -100, -100, -100}, 2, 6);
        mlm.loss(mlm.logits(ids, null, null), labels).backward();
        assertNotNull(cls.bert.embeddings.wordEmbeddings.weight.grad());
    }
}
