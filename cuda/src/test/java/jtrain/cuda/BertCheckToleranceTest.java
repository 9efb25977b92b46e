package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How BertCheck judges a gradient: relative to its own norm, floored at a fraction of the model's largest. */
class BertCheckToleranceTest {

    /** {difference norm, CPU gradient norm} per parameter. */
    private static Map<String, double[]> gradients(Object... nameDiffNorm) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameDiffNorm.length; i += 3)
            m.put((String) nameDiffNorm[i], new double[] {(double) nameDiffNorm[i + 1], (double) nameDiffNorm[i + 2]});
        return m;
    }

    @Test
    void aGradientThatIsZeroInExactArithmeticIsJudgedAgainstTheModelsScaleNotItsOwnNoise() {
        // As measured at 2 x 768 on the emulator: the key bias holds 1.3e-9 of noise on each side, the largest norm is 5.5.
        var g = gradients("key.bias", 1.26e-9, 1.1e-9, "word_embeddings", 2.0e-5, 5.5);
        BertCheck.Worst w = BertCheck.worst(g, 5.5);
        assertTrue(w.error() < 0.01, "noise far below the tolerance: " + w);
        assertEquals("word_embeddings", w.name(), "the real gradient, 3.6e-6 relative, is the worst");
    }

    @Test
    void aWrongSmallGradientStillFails() {
        // 1% off in a gradient of norm 0.01 (1/550 of the largest): above both its own tolerance and the floor.
        var g = gradients("query.bias", 1e-4, 0.01, "word_embeddings", 1e-5, 5.5);
        BertCheck.Worst w = BertCheck.worst(g, 5.5);
        assertEquals("query.bias", w.name());
        assertEquals(10.0, w.error(), 1e-9, "1e-4 / 0.01 / 1e-3");
    }

    @Test
    void anErrorInAZeroGradientLargerThanTheFloorFails() {
        // A key-bias gradient that should be zero but is 1e-5 on the GPU: 1e-5 / (1e-4 * 5.5) / 1e-3 = 18.2.
        var g = gradients("key.bias", 1e-5, 1e-10, "word_embeddings", 0.0, 5.5);
        assertEquals(1e-5 / (1e-4 * 5.5) / 1e-3, BertCheck.worst(g, 5.5).error(), 1e-9);
    }
}
