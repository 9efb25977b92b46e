package jtrain.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a partial file:
 * the data goes to a temporary file in the same folder (a rename is only atomic within one file system), is forced
 * to disk, then renamed over the target. Checkpoints rely on this so that a crash mid-save cannot destroy the last
 * good checkpoint.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces the file content; may fail with any exception, in which case the target is left untouched. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes bytes as the whole new content of target (see {@link #write(Path, Body)}). */
    public static void write(Path target, byte[] bytes) {
        write(target, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    public static void write(Path target, Body body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        // A random hidden name, created with CREATE_NEW so the file gets the usual permissions (umask), unlike
        // Files.createTempFile which makes it private to the owner.
        if (Files.isDirectory(abs)) throw failure(target + ": is a folder; a file is needed");
        if (!Files.isDirectory(dir)) throw failure(target + ": cannot write it: the folder " + dir + " does not exist");
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            syncDirectory(dir);
        } catch (IOException e) {
            // The error is about the temporary file (or its rename to target), whose hidden name means nothing to the
            // user: target alone is named, with the reason.
            throw new UncheckedIOException(target + ": could not write the file: " + IoErrors.reason(e), e);
        } finally {
            if (!moved) deleteQuietly(tmp);
        }
    }

    private static UncheckedIOException failure(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }

    /** Makes the rename itself durable; not every platform can open a folder, so failure here is ignored. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the data is safe; only the folder entry may be lost on power failure
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // the original failure is what the caller needs to see
        }
    }
}
