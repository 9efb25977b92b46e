package jtrain.training.run;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process at a time per output folder: RUN/.lock, an OS lock that ends with its process. */
class RunLockTest {
    @TempDir
    Path tmp;

    /** A second process: locks the folder in args[0], says "locked", and holds it until its stdin closes or it is killed. */
    public static final class HoldLock {
        public static void main(String[] args) throws IOException {
            try (RunLock lock = RunLock.acquire(Path.of(args[0]), "pretrain")) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the test to let go
                }
            }
        }
    }

    @Test
    void aFolderLockedByThisProcessIsRefusedWithAClearError() {
        Path run = tmp.resolve("run");
        try (RunLock first = RunLock.acquire(run, "pretrain")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunLock.acquire(run, "finetune"));
            assertTrue(e.getMessage().startsWith(run + " is in use by another trainer process (pid " + ProcessHandle.current().pid()
                    + ", trainer pretrain, since "), e.getMessage());
            assertTrue(e.getMessage().contains("choose another --out"), e.getMessage());
        }
        // Released on close: the next one gets it.
        RunLock.acquire(run, "pretrain --resume").close();
    }

    @Test
    void aFolderLockedByAnotherProcessNamesItsPidAndIsFreeOnceThatProcessIsKilled() throws Exception {
        Path run = tmp.resolve("run");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), run.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            var said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("locked", said);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunLock.acquire(run, "pretrain"));
            assertTrue(e.getMessage().startsWith(run + " is in use by another trainer process (pid " + holder.pid() + ", trainer pretrain"),
                    e.getMessage());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no cleanup runs, as in a crash
            holder.waitFor();
        }
        // The lock file is left behind, but the lock went with the process: a stale file blocks nobody.
        assertTrue(Files.exists(run.resolve(RunLock.FILE)));
        try (RunLock again = RunLock.acquire(run, "pretrain --resume")) {
            List<String> lines = Files.readAllLines(run.resolve(RunLock.FILE));
            assertEquals("pid=" + ProcessHandle.current().pid(), lines.getFirst(), "the file names the new holder");
            assertEquals("command=pretrain --resume", lines.get(1));
        }
    }

    @Test
    void anUnreadableOrForeignLockFileStillGivesTheFolder() {
        assertEquals("", RunLock.holder(tmp.resolve("missing")));
        assertEquals(tmp + " is in use by another trainer process: two processes writing one folder would corrupt it; "
                + "wait for that one to finish (or stop it), or choose another --out", RunLock.busy(tmp, ""));
    }

    @Test
    void aFileGivenAsTheFolderIsNamedAndLeftAlone() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(file, "pretrain"));
        assertEquals(file + " is a file, not a folder: choose another --out", e.getMessage());
        assertEquals("keep me", Files.readString(file));

        // Below a file, the folder cannot be created: the reason is given, not only the path.
        var below = assertThrows(java.io.UncheckedIOException.class, () -> RunLock.acquire(file.resolve("run"), "pretrain"));
        assertTrue(below.getMessage().matches("cannot lock " + java.util.regex.Pattern.quote(file.resolve("run").toString()) + ": [a-zA-Z].*"),
                below.getMessage());
    }
}
