package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java heap too small for the model, batch and sequence length ends the command with one line that says so, with
 * the heap's limit and which of the command's options need less memory, not the JVM's bare "Java heap space".
 */
class OutOfMemoryMessageTest {
    @Test
    void aHeapTooSmallForTheStepGivesOneLineNamingTheLimitAndTheOptions(@TempDir Path tmp) throws IOException, InterruptedException {
        Path log = tmp.resolve("bench.log");
        // A 32 x 128 batch's logits over 8,192 words alone take 128 MiB, more than the whole 48 MiB heap.
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", "--model", "1,64,2,256",
                "--vocab", "8192", "--batch", "32", "--seq", "128", "--steps", "1", "--warmup", "0", "--no-profile")
                .redirectErrorStream(false).redirectOutput(tmp.resolve("out.log").toFile()).redirectError(log.toFile()).start();
        assertEquals(2, p.waitFor(), Files.readString(log));
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.startsWith("trainer bench: ")).toList();
        assertEquals(1, lines.size(), Files.readString(log));
        String line = lines.getFirst();
        assertTrue(line.startsWith("trainer bench: out of memory (Java heap space; the Java heap may grow to "), line);
        // bench's own options (--seq, not pretrain's --max-len; no --grad-accum there).
        assertTrue(line.contains("use a smaller --batch or --seq (--recompute keeps fewer activations)")
                && line.contains("TRAINER_JAVA_OPTS=-Xmx16g"), line);
        assertFalse(line.contains("--max-len") || line.contains("--grad-accum"), line);
        assertFalse(Files.readString(log).contains("\tat "), "no stack trace: " + Files.readString(log));
    }
}
