package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.Json;
import org.junit.jupiter.api.Test;

/** ./trainer bench on a very small model: the JSON keys, a breakdown that adds up, --act, clear errors for bad options. */
class BenchCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    int run(String... args) {
        return BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasThroughputFlopsAndABreakdownThatAddsUp() {
        assertEquals(0, run("--model", "1,32,2,64", "--vocab", "50", "--batch", "2", "--seq", "8", "--steps", "2", "--warmup", "1", "--json"),
                err.toString());
        Map<String, Object> j = (Map<String, Object>) Json.parse(out.toString(StandardCharsets.UTF_8).trim());
        for (String key : List.of("tokens_per_s", "step_ms", "gflops", "mfu", "peak_rss_mb", "flops_per_step", "parameters", "steps")) {
            assertTrue(((Number) j.get(key)).doubleValue() > 0, key + " in " + j);
        }
        long faults = ((Number) j.get("page_faults")).longValue();
        assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/stat")) ? faults >= 0 : faults == -1,
                "page faults in the timed steps, -1 without /proc: " + j);
        assertEquals("all", j.get("loss_positions"));
        assertEquals(1, ((Number) j.get("warmup")).intValue(), "the text's 'N warm-up + M timed steps' in JSON too");
        assertEquals("gelu", j.get("hidden_act"), "BERT's activation unless --act says otherwise");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) j.get("breakdown");
        assertTrue(rows.stream().anyMatch(r -> r.get("phase").equals("forward") && r.get("op").equals("matmul")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.get("phase").equals("backward") && r.get("op").equals("matmul")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.get("phase").equals("optimizer") && r.get("op").equals("adamw")), rows.toString());
        double primitives = rows.stream().mapToDouble(r -> ((Number) r.get("ms_per_step")).doubleValue()).sum();
        double outside = ((Number) j.get("outside_primitives_ms_per_step")).doubleValue();
        double step = ((Number) j.get("step_ms")).doubleValue();
        assertTrue(primitives > 0 && primitives <= step * 1.001, primitives + " of " + step);
        assertEquals(step, primitives + outside, step * 0.01 + 0.01);
    }

    @Test
    @SuppressWarnings("unchecked")
    void recomputeTrainsTheSameStepsAndLabelsTheRecomputation() {
        String[] common = {"--model", "2,32,2,64", "--vocab", "50", "--batch", "2", "--seq", "8", "--steps", "2", "--warmup", "1", "--json"};
        assertEquals(0, run(common), err.toString());
        Map<String, Object> plain = (Map<String, Object>) Json.parse(out.toString(StandardCharsets.UTF_8).trim());
        out.reset();
        assertEquals(0, run(FinetuneResumeTest.concat(common, "--recompute")), err.toString());
        Map<String, Object> recompute = (Map<String, Object>) Json.parse(out.toString(StandardCharsets.UTF_8).trim());
        assertEquals(false, plain.get("recompute"));
        assertEquals(true, recompute.get("recompute"));
        assertEquals(plain.get("loss"), recompute.get("loss"), "the same loss after the same steps, dropout included");
        assertEquals(plain.get("flops_per_step"), recompute.get("flops_per_step"), "model FLOPs: the recomputation is not counted");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) recompute.get("breakdown");
        assertTrue(rows.stream().anyMatch(r -> r.get("phase").equals("recompute") && r.get("op").equals("matmul")), rows.toString());
    }

    @Test
    void sparseLossAndTextOutput() {
        assertEquals(0, run("--model", "1,32,2,64", "--vocab", "50", "--batch", "2", "--seq", "8", "--steps", "1", "--warmup", "0", "--sparse"),
                err.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("tokens/s") && text.contains("labelled positions only") && text.contains("outside primitives"), text);
    }

    @Test
    @SuppressWarnings("unchecked")
    void actChoosesTheActivationByItsConfigName() {
        assertEquals(0, run("--model", "1,32,2,64", "--vocab", "50", "--batch", "2", "--seq", "8", "--steps", "1", "--warmup", "0",
                "--act", "quick_gelu", "--json", "--no-profile"), err.toString());
        Map<String, Object> j = (Map<String, Object>) Json.parse(out.toString(StandardCharsets.UTF_8).trim());
        assertEquals("quick_gelu", j.get("hidden_act"));
        out.reset();
        assertEquals(2, run("--act", "mish"));
        assertTrue(err.toString().contains("trainer bench: --act: unsupported hidden_act \"mish\" (supported: gelu, gelu_python, gelu_new"),
                err.toString());
    }

    @Test
    void badSizesGiveOneLineNamingTheValues() {
        assertEquals(2, run("--batch", "0"));
        assertTrue(err.toString().contains("need --vocab >= 6, --batch, --seq, --steps >= 1 and --warmup >= 0, got --vocab 8192 --batch 0"),
                err.toString());
        err.reset();
        // batch x seq used to overflow an int: "Index 0 out of bounds for length 0" (65536 x 65536) or "-1794967296".
        assertEquals(2, run("--model", "tiny", "--batch", "65536", "--seq", "65536"));
        assertTrue(err.toString().startsWith("trainer bench: --batch 65536 x --seq 65536 x --vocab 8192 makes logits of 35,184,372,088,832 elements"),
                err.toString());
        err.reset();
        assertEquals(2, run("--model", "tiny", "--batch", "1", "--seq", "40000", "--vocab", "6"));
        assertTrue(err.toString().startsWith("trainer bench: --batch 1 x 2 heads x --seq 40000 x --seq 40000 makes attention scores of"),
                err.toString());
    }

    @Test
    void theGpuPathChecksItsArgumentsFirst() {
        // Checked before the device is looked at, so a GPU machine gets the same line instead of a step time over 0 steps.
        assertEquals(2, run("--device", "cuda", "--steps", "0"));
        assertTrue(err.toString().contains("--steps >= 1"), err.toString());
        err.reset();
        assertEquals(2, run("--device", "cuda", "--model", "2,128,2"));
        assertTrue(err.toString().contains("--model must be tiny, mini, small, base or L,H,A,I, got '2,128,2'"), err.toString());
    }

    @Test
    void gpuOptionsAnswerWithAClearError() {
        assertEquals(2, run("--device", "cuda", "--precision", "fp16"));
        assertTrue(err.toString().contains("--precision must be fp32, tf32 or bf16, got 'fp16'"), err.toString());
        err.reset();
        org.junit.jupiter.api.Assumptions.assumeFalse(jtrain.cuda.Cuda.tryInit().available(), "a GPU is present: the no-GPU message is not shown");
        assertEquals(2, run("--device", "cuda"));
        assertTrue(err.toString().contains("--device cuda: "), err.toString());
        err.reset();
        assertEquals(2, run("--precision", "tf32"));
        assertTrue(err.toString().contains("needs --device cuda"), err.toString());
    }
}
