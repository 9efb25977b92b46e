package jtrain.training.cli;

import static jtrain.training.cli.PretrainCommandTest.pretrain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;
import jtrain.engine.optim.LrSchedule;

/**
 * `pretrain --resume --steps N` with N above the run's steps extends the run: training goes on from its latest
 * checkpoint (weights, moments, data position), the learning rate follows the N-step schedule from there, and
 * run_config.json records the new length and where it changed. Fewer steps are refused.
 */
class ExtendRunTest {
    @TempDir
    Path tmp;

    private final PretrainCommandTest runs = new PretrainCommandTest();

    @Test
    void moreStepsOnResumeExtendAFinishedRun() throws IOException {
        Path corpus = PretrainCommandTest.corpus(tmp), run = tmp.resolve("run");
        assertEquals(0, pretrain(runs.tinyRun(corpus, run)).code()); // 6 steps, warm-up 0 (6 / 10), linear decay

        PretrainCommandTest.Result extended = pretrain("--out", run.toString(), "--resume", "--steps", "9");
        assertEquals(0, extended.code(), extended.err());
        assertTrue(extended.out().contains("extending the run from 6 to 9 steps at step 6: the learning rate follows the 9-step "
                + "schedule from here"), extended.out());
        assertEquals("step-9", Files.readString(run.resolve("checkpoints/latest")).trim());

        Map<String, Object> config = Json.readObject(run.resolve("run_config.json"));
        assertEquals(9, ((Number) config.get("steps")).intValue());
        assertEquals(List.of(Map.of("at_step", 6L, "steps_before", 6L)), normalised(config.get("extensions")));

        List<Map<String, Object>> steps = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> Json.parseObject(l, "metrics.jsonl")).filter(m -> !m.containsKey("eval_loss") && m.containsKey("lr")).toList();
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), steps.stream().map(m -> ((Number) m.get("step")).intValue()).toList());
        LrSchedule six = LrSchedule.of("linear", 5e-4, 0, 6, 0), nine = LrSchedule.of("linear", 5e-4, 0, 9, 0);
        for (Map<String, Object> m : steps) {
            int step = ((Number) m.get("step")).intValue();
            double expected = (step <= 6 ? six : nine).lr(step - 1);
            assertEquals(expected, ((Number) m.get("lr")).doubleValue(), 1e-12, "the learning rate of step " + step);
        }

        PretrainCommandTest.Result complete = pretrain("--out", run.toString(), "--resume");
        assertTrue(complete.out().contains("(step 9 of 9: the run is complete, nothing is left to train; --steps N above 9 extends it)"), complete.out());
        PretrainCommandTest.Result shorter = pretrain("--out", run.toString(), "--resume", "--steps", "8");
        assertEquals(2, shorter.code());
        assertTrue(shorter.err().contains("--steps 8 is below the run's 9 (" + run.resolve("run_config.json")
                + "): a resumed run can be extended, not shortened; --stop-after N ends this invocation at step N"), shorter.err());
    }

    @Test
    void anExtendedRunResumesExactly() throws IOException {
        Path corpus = PretrainCommandTest.corpus(tmp), whole = tmp.resolve("whole"), split = tmp.resolve("split");
        for (Path run : List.of(whole, split)) assertEquals(0, pretrain(runs.tinyRun(corpus, run)).code());
        assertEquals(0, pretrain("--out", whole.toString(), "--resume", "--steps", "9").code());
        // The same extension, interrupted after step 7 and resumed (without --steps: the run now has 9).
        assertEquals(0, pretrain("--out", split.toString(), "--resume", "--steps", "9", "--stop-after", "7").code());
        assertEquals(0, pretrain("--out", split.toString(), "--resume").code());
        for (String file : List.of("model.safetensors", "trainer_state.safetensors")) {
            assertArrayEquals(Files.readAllBytes(whole.resolve("checkpoints/step-9").resolve(file)),
                    Files.readAllBytes(split.resolve("checkpoints/step-9").resolve(file)), file);
        }
    }

    /** JSON numbers as longs, for comparison with a literal. */
    private static Object normalised(Object json) {
        if (json instanceof List<?> l) return l.stream().map(ExtendRunTest::normalised).toList();
        if (json instanceof Map<?, ?> m) {
            var out = new java.util.LinkedHashMap<Object, Object>();
            m.forEach((k, v) -> out.put(k, normalised(v)));
            return out;
        }
        return json instanceof Number n ? (Object) n.longValue() : json;
    }
}
