package jtrain.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-system errors read as the path and what went wrong, not the bare path Java's exceptions carry. */
class IoErrorsTest {
    @Test
    void theReasonIsAddedWhereJavaGivesOnlyThePath() {
        assertEquals("/runs/x: permission denied", IoErrors.describe(new AccessDeniedException("/runs/x")));
        assertEquals("/runs/x: no such file or folder", IoErrors.describe(new NoSuchFileException("/runs/x")));
        assertEquals("/a -> /b: permission denied", IoErrors.describe(new AccessDeniedException("/a", "/b", null)));
    }

    @Test
    void aReasonTheSystemGaveIsKeptAsIs() {
        assertEquals("/runs/x: No space left on device", IoErrors.describe(new FileSystemException("/runs/x", null, "No space left on device")));
        assertEquals("disk on fire", IoErrors.describe(new IOException("disk on fire")));
    }

    @Test
    void atomicWritesNameAMissingFolderOrAFolderInTheWay(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("nope").resolve("out.jsonl");
        var e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(missing, new byte[1]));
        assertEquals(missing + ": cannot write it: the folder " + tmp.resolve("nope") + " does not exist", e.getMessage());

        Path folder = Files.createDirectories(tmp.resolve("out.jsonl"));
        e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(folder, new byte[1]));
        assertEquals(folder + ": is a folder; a file is needed", e.getMessage());
        assertTrue(Files.isDirectory(folder));
    }
}
