package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.training.run.RunLock;

/** ./trainer demo's handling of its output folder (the demo itself runs in the README's walk-through, on Moby-Dick). */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aDemoFolderInUseByAnotherProcessIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path out = tmp.resolve("demo");
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (RunLock other = RunLock.acquire(out, "pretrain")) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, DemoCommand.run(new String[] {"--out", out.toString(), "--cache", tmp.resolve("cache").toString()}));
        } finally {
            System.setErr(stderr);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("trainer demo: " + out + " is in use by another trainer process (pid " + ProcessHandle.current().pid()),
                message);
        try (var files = Files.list(out)) {
            assertEquals(java.util.List.of(RunLock.FILE), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
