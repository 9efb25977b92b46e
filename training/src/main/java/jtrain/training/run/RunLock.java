package jtrain.training.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jtrain.engine.io.IoErrors;

/**
 * Exclusive use of an output folder (a pretraining run, a fine-tuning output, a study), so two trainer processes never
 * write the same files. The lock is an operating-system lock on {@code DIR/.lock}: it goes away with the process
 * however that ends (a crash, kill -9), so a leftover file never blocks anyone; only a lock actually held does. The
 * file itself stays (deleting it would let two processes lock two different files of the same name) and holds the
 * holder's pid, command and start time for the error message of the next one.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks dir (created if needed) for this process, or throws IllegalStateException naming the folder and, when
     * known, the process that holds it. command says what this process does, for that message.
     */
    public static RunLock acquire(Path dir, String command) {
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new IllegalArgumentException(dir + " is a file, not a folder: choose another --out");
        Path file = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                // FileChannel locks belong to the JVM: a second lock in the same process lands here, not in null.
                lock = null;
            }
            if (lock == null) throw new IllegalStateException(busy(dir, holder(file)));
            ch.truncate(0);
            String who = "pid=" + ProcessHandle.current().pid() + "\ncommand=" + command + "\nsince="
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
            ch.write(ByteBuffer.wrap(who.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RunLock(ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + IoErrors.describe(dir, e), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Throws the "in use" error of {@link #acquire} when another process holds dir's lock now; nothing is created.
     * Checks that run before acquiring (whether --out holds a run already) call it first, so that a second command
     * says the folder is busy rather than what it found in the first one's files.
     */
    public static void requireNotHeld(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                probe = null; // held by this JVM
            }
            if (probe == null) throw new IllegalStateException(busy(dir, holder(file)));
            probe.release();
        } catch (IOException e) {
            // unreadable: acquire, which follows, reports it
        }
    }

    static String busy(Path dir, String holder) {
        return dir + " is in use by another trainer process" + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ": two processes writing one folder would corrupt it; wait for that one to finish (or stop it), or choose another --out";
    }

    /** "pid 123, trainer pretrain, since 2026-12-01T22:15:00Z" from the lock file, as far as it can be read. */
    static String holder(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return ""; // a platform with mandatory locks may refuse to read it; the message still names the folder
        }
        String pid = field(text, "pid"), command = field(text, "command"), since = field(text, "since");
        StringBuilder sb = new StringBuilder();
        if (pid != null) sb.append("pid ").append(pid);
        if (command != null) sb.append(sb.isEmpty() ? "" : ", ").append("trainer ").append(command);
        if (since != null) sb.append(sb.isEmpty() ? "" : ", ").append("since ").append(since);
        return sb.toString();
    }

    private static String field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + "=") && line.length() > key.length() + 1) return line.substring(key.length() + 1).strip();
        }
        return null;
    }

    /** Releases the lock (the process exiting releases it too). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it that matters
        }
    }
}
