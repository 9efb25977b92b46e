package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same pretraining run gives the same bits whatever -Djtrain.threads says: every threaded kernel splits its work
 * into parts that do not depend on the thread count (matrix products on row/column tiles, sums in fixed chunks added
 * in order, gradient clipping's norm in fixed blocks). The thread count is read once per JVM, so each run is its own
 * process. The model is wide enough (hidden 128, batch 16 x 64 tokens) that the kernels do split across threads.
 */
class ThreadCountIndependenceTest {

    @TempDir
    Path tmp;

    @Test
    void oneThreadAndThreeThreadsWriteByteIdenticalCheckpoints() throws Exception {
        Path corpus = PretrainCommandTest.corpus(tmp);
        Path one = pretrain(corpus, 1), three = pretrain(corpus, 3);
        for (String file : List.of("model.safetensors", "trainer_state.safetensors")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(file)), Files.readAllBytes(three.resolve(file)),
                    file + " differs between -Djtrain.threads=1 and 3");
        }
    }

    /** Runs two clipped AdamW steps in a fresh JVM with the given thread count; returns the last checkpoint folder. */
    private Path pretrain(Path corpus, int threads) throws IOException, InterruptedException {
        Path run = tmp.resolve("threads-" + threads);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djtrain.threads=" + threads,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "pretrain",
                "--data", corpus.toString(), "--model", "2,128,4,1024", "--max-len", "64", "--batch", "16", "--steps", "2",
                "--vocab-size", "150", "--min-frequency", "1", "--clip", "0.01", "--device", "cpu", "--out", run.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("threads-" + threads + ".log").toFile()).start();
        int code = p.waitFor();
        assertEquals(0, code, Files.readString(tmp.resolve("threads-" + threads + ".log")));
        return run.resolve("checkpoints/step-2");
    }
}
