package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.Autograd;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ReferenceBackend;
import jtrain.engine.backend.VectorBackend;

/**
 * BERT with gradient checkpointing (each encoder layer recomputed in backward) trains exactly as without it: with
 * dropout on, the masked-LM loss and every parameter's gradient are the same bit for bit, and so is the state the
 * dropout generator ends in, so every later step draws the same masks.
 */
class GradientCheckpointingTest {
    private static final BertConfig CONFIG = BertConfig.of(40, 3, 16, 2, 32).withMaxPositions(8); // dropout 0.1 and 0.1
    private static final Tensor IDS = Tensor.ofInts(new int[] {2, 7, 4, 11, 3, 0, 2, 4, 6, 4, 3, 0}, 2, 6);
    private static final Tensor MASK = Tensor.ofInts(new int[] {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0}, 2, 6);
    private static final Tensor LABELS = Tensor.ofInts(new int[] {-100, 9, -100, -100, 12, -100, -100, 5, -100, 8, -100, -100}, 2, 6);

    /** Two accumulated micro-batches' losses, every parameter's gradient by name, and the dropout generator's state. */
    private record Step(List<Float> losses, Map<String, float[]> grads, long dropoutState) {}

    private static Step step(Backend backend, boolean checkpointing) {
        try (var be = Backends.useCpu(backend)) {
            BertForMaskedLM model = new BertForMaskedLM(CONFIG, new Rng(1), new Rng(2));
            model.bert.setGradientCheckpointing(checkpointing);
            List<Float> losses = new ArrayList<>();
            for (int micro = 0; micro < 2; micro++) {
                Tensor loss = model.sparseLoss(IDS, null, MASK, LABELS);
                loss.backward();
                losses.add(loss.toFloatArray()[0]);
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            model.namedParameters().forEach((name, p) -> grads.put(name, p.grad().toFloatArray()));
            return new Step(losses, grads, model.dropoutRng().state());
        }
    }

    private static void assertSameStep(Step plain, Step checkpointed) {
        assertEquals(plain.losses(), checkpointed.losses(), "losses (dropout on)");
        assertNotEquals(plain.losses().get(0), plain.losses().get(1), "the two micro-batches drew different dropout masks");
        assertEquals(plain.grads().keySet(), checkpointed.grads().keySet());
        plain.grads().forEach((name, g) -> assertArrayEquals(g, checkpointed.grads().get(name), 0f, name));
        assertEquals(plain.dropoutState(), checkpointed.dropoutState(), "the dropout generator's final state");
    }

    @Test
    void mlmLossAndEveryGradientAreBitIdenticalOnTheVectorBackend() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorBackend.isAvailable(), "the Vector API module is not in this JVM");
        assertSameStep(step(new VectorBackend(), false), step(new VectorBackend(), true));
    }

    @Test
    void mlmLossAndEveryGradientAreBitIdenticalOnTheReferenceBackend() {
        assertSameStep(step(new ReferenceBackend(), false), step(new ReferenceBackend(), true));
    }

    @Test
    void eachLayerIsOneNodeOfTheGraph() {
        BertModel bert = new BertModel(CONFIG, false, new Rng(1), new Rng(2));
        bert.setGradientCheckpointing(true);
        Tensor h = bert.forward(IDS, null, MASK, false).lastHidden();
        assertEquals("encoder.layer.2", h.gradFn().op, "the last layer's output comes from its checkpoint node");
        try (var ng = Autograd.noGrad()) {
            assertNull(bert.forward(IDS, null, MASK, false).lastHidden().gradFn(), "evaluation under noGrad runs the layers plainly");
        }
    }

    @Test
    void offByDefault() {
        assertFalse(new BertModel(CONFIG, false, new Rng(1), new Rng(2)).isGradientCheckpointing());
    }
}
