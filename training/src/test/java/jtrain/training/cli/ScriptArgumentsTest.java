package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The scripts of docs/performance.md, docs/training.md and docs/finetuning.md refuse arguments they cannot run, with
 * one line and exit code 2, before they start anything (PyTorch, a virtual environment, npm, the trainer).
 */
class ScriptArgumentsTest {

    /** Exit code and output of a script of the repository, with extra environment variables. */
    static String[] script(String script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize(); // surefire runs in the module folder
        List<String> command = new java.util.ArrayList<>(List.of("bash", script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {String.valueOf(p.waitFor()), output};
    }

    static String[] run(String... args) throws IOException, InterruptedException {
        return script("benchmarks/scripts/bench_vs_torch.sh", Map.of(), args);
    }

    @Test
    void benchVsTorchRefusesRoundsThatAreNotACount() throws Exception {
        // It took a config name given first ("bench_vs_torch.sh tiny") as the rounds, ran none, and exited 0.
        for (String rounds : List.of("tiny", "0", "2x")) {
            String[] r = run(rounds);
            assertEquals("2", r[0], r[1]);
            assertEquals("bench_vs_torch.sh: rounds must be a positive whole number, got '" + rounds + "' (usage: "
                    + "benchmarks/scripts/bench_vs_torch.sh [rounds] [tiny mini small base])\n", r[1]);
        }
    }

    @Test
    void benchVsTorchRefusesAnUnknownConfig() throws Exception {
        String[] r = run("1", "tiny", "huge");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].equals("bench_vs_torch.sh: unknown config 'huge' (tiny, mini, small or base)\n"), r[1]);
    }

    @Test
    void tokenizerCrosscheckNamesAMissingVocabularyAndABadSeed(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // A missing vocabulary ended in a Python traceback from the tokenizers library.
        Path missing = tmp.resolve("vocab.txt");
        String[] r = script("scripts/tokenizer-crosscheck.sh", Map.of(), missing.toString());
        assertEquals("2", r[0], r[1]);
        assertEquals("tokenizer-crosscheck.sh: " + missing + ": no such file (usage: scripts/tokenizer-crosscheck.sh [VOCAB_TXT] [SEED])\n", r[1]);
        java.nio.file.Files.writeString(missing, "[PAD]\n");
        r = script("scripts/tokenizer-crosscheck.sh", Map.of(), missing.toString(), "one");
        assertEquals("2", r[0], r[1]);
        assertEquals("tokenizer-crosscheck.sh: SEED must be a whole number, got 'one'\n", r[1]);
    }

    @Test
    void problemsRealNeedsAModelFolderAndKnownProblems(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("work");
        String[] r = script("scripts/problems-real.sh", Map.of(), tmp.toString(), work.toString());
        assertEquals("2", r[0], r[1]);
        assertEquals("problems-real.sh: INIT_DIR " + tmp + " holds no config.json: give a model folder (e.g. RUN/checkpoints/step-600)\n", r[1]);
        java.nio.file.Files.writeString(tmp.resolve("config.json"), "{}");
        r = script("scripts/problems-real.sh", Map.of("PROBLEMS", "afinn emojis"), tmp.toString(), work.toString());
        assertEquals("2", r[0], r[1]);
        assertEquals("problems-real.sh: PROBLEMS: unknown 'emojis' (afinn, emoji or vader)\n", r[1]);
        assertTrue(!java.nio.file.Files.exists(work), "nothing fetched or written");
    }
}
