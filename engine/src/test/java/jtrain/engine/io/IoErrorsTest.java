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
import java.nio.file.NotDirectoryException;
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
    void theReasonAloneLeavesThePathToTheCaller() {
        assertEquals("permission denied", IoErrors.reason(new AccessDeniedException("/runs/x")));
        assertEquals("No space left on device", IoErrors.reason(new FileSystemException("/runs/x", null, "No space left on device")));
        assertEquals("disk on fire", IoErrors.reason(new IOException("disk on fire")));
    }

    @Test
    void givenWhatTheCallerWasWorkingOnEachPathIsNamedOnce() {
        Path folder = Path.of("/runs/x/tokenizer"), file = folder.resolve("vocab.txt");
        // The error is about the file itself, or about a file inside the folder: that file alone is named.
        assertEquals(file + ": no such file or folder", IoErrors.describe(file, new NoSuchFileException(file.toString())));
        assertEquals(file + ": permission denied", IoErrors.describe(folder, new AccessDeniedException(file.toString())));
        // About another path (here a file where a parent folder should be): both, the subject first.
        assertEquals(folder + ": /runs: not a folder", IoErrors.describe(folder, new NotDirectoryException("/runs")));
        // An error that names no path gets the subject; one whose message already names it (or a file in it) is kept.
        assertEquals(file + ": Input length = 1", IoErrors.describe(file, new IOException("Input length = 1")));
        assertEquals(file + ": could not write the file: disk full", IoErrors.describe(folder, new IOException(file + ": could not write the file: disk full")));
    }

    @Test
    void aFileThatIsNotUtf8IsSaidToBeSoNotInputLengthOne(@TempDir Path tmp) throws IOException {
        Path config = tmp.resolve("config.json");
        Files.write(config, new byte[] {'{', (byte) 0xFF, '}'}); // 0xFF never occurs in UTF-8
        IOException e = assertThrows(IOException.class, () -> Files.readString(config));
        assertEquals(config + ": not valid UTF-8 (convert the file to UTF-8)", IoErrors.describe(config, e));
    }

    @Test
    void atomicWritesNameTheTargetNotTheHiddenTemporaryFile(@TempDir Path tmp) {
        Path target = tmp.resolve("config.json");
        var e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, ch -> {
            throw new FileSystemException(tmp.resolve(".config.json.1234.tmp").toString(), null, "No space left on device");
        }));
        assertEquals(target + ": could not write the file: No space left on device", e.getMessage());
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
