package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jtrain.engine.io.Json;
import org.junit.jupiter.api.Test;

/** The GPU step benchmark's arguments are checked before any device is touched, and its line is valid JSON on the CPU. */
class BertStepBenchArgsTest {
    static String error(String... argv) {
        return assertThrows(IllegalArgumentException.class, () -> BertStepBench.run(argv, System.out)).getMessage();
    }

    @Test
    void badArgumentsGiveOneLineBeforeAnyDeviceIsUsed() {
        // Zero timed steps used to print a step time of NaN and 0 tokens/s.
        assertTrue(error("--steps", "0").contains("--steps >= 1 and --warmup >= 0, got --vocab 30522 --batch 64 --seq 128 --steps 0"));
        assertTrue(error("--batch", "0").contains("--batch 0"));
        // A shape of three numbers used to fail with an index out of bounds, a word with "For input string".
        assertEquals("--model must be base, small, mini, tiny or L,H,A,I (positive), got '2,128,2'", error("--model", "2,128,2"));
        assertEquals("--model must be base, small, mini, tiny or L,H,A,I (positive), got 'huge'", error("--model", "huge"));
        // A last option without its value used to be ignored.
        assertEquals("--steps needs a value", error("--model", "tiny", "--steps"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void onTheCpuThereIsNoGpuPeakAndTheLineIsStillJson() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        BertStepBench.run(new String[] {"--device", "cpu", "--model", "1,16,2,32", "--vocab", "20", "--batch", "1", "--seq", "4",
                "--steps", "1", "--warmup", "0", "--modes", "fp32"}, new PrintStream(text, true, StandardCharsets.UTF_8));
        Map<String, Object> j = (Map<String, Object>) Json.parse(text.toString(StandardCharsets.UTF_8).trim());
        assertEquals("cpu", j.get("jtrain"));
        assertTrue(((Number) j.get("tokens_per_s")).doubleValue() > 0, j.toString());
        assertNull(j.get("gemm_peak_tflops"), "JSON has no NaN: " + j);
        assertNull(j.get("mfu"), j.toString());
    }
}
