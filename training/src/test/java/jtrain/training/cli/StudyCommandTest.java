package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in ./trainer study's options are one line and exit code 2, found before any data or training. */
class StudyCommandTest {
    static List<String> errorLines(String... args) throws IOException {
        var err = new ByteArrayOutputStream();
        assertEquals(2, StudyCommand.run(args, new PrintStream(err, true, StandardCharsets.UTF_8)));
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void badOptionsAreOneLineWithoutTheDebugHint() throws IOException {
        assertEquals(List.of("trainer study: unknown preset 'foo' (expected quick, standard or full)"), errorLines("--preset", "foo"));
        assertEquals(List.of("trainer study: --seed needs an integer, got 'x'"), errorLines("--seed", "x"));
        assertEquals(List.of("trainer study: --out needs a value"), errorLines("--out"));
    }

    @Test
    void anUnknownOptionIsNamedAboveTheUsage() throws IOException {
        List<String> lines = errorLines("--bogus");
        assertEquals("trainer study: unknown option --bogus", lines.getFirst());
        assertTrue(lines.get(1).startsWith("usage: ./trainer study"), lines.get(1));
        assertFalse(String.join("\n", lines).contains("--debug for details"), String.join("\n", lines));
    }

    @Test
    void anOutThatIsAFileIsNamedAndLeftAlone(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        assertEquals(List.of("trainer study: " + file + " is a file, not a folder: choose another --out"),
                errorLines("--out", file.toString(), "--device", "cpu"));
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void anOutOfOtherFilesOrAnotherStudyIsRefusedBeforeAnyDataIsFetched(@TempDir Path tmp) throws IOException {
        // An empty cache and a --from folder that does not exist: any data work would fail with another message.
        String[] data = {"--cache", tmp.resolve("empty-cache").toString(), "--from", tmp.resolve("nowhere").toString(), "--device", "cpu"};
        Path notes = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notes.resolve("todo.txt"), "keep me");
        assertEquals(List.of("trainer study: --out " + notes + " already holds files (todo.txt) but no study (no study.json): choose a new "
                + "folder, or delete it first"), errorLines(concat(data, "--out", notes.toString())));

        Path other = Files.createDirectories(tmp.resolve("other-seed"));
        String quick = jtrain.training.study.StudyPreset.of("quick").toString();
        Files.writeString(other.resolve("study.json"), jtrain.engine.io.Json.writePretty(java.util.Map.of("preset", quick, "seed", 7)));
        assertEquals(List.of("trainer study: " + other + " holds a study with other settings (" + other.resolve("study.json") + ": " + quick
                + ", seed 7); give another --out, or the same --preset and --seed to resume it"),
                errorLines(concat(data, "--out", other.toString(), "--seed", "1")));
        assertFalse(Files.exists(tmp.resolve("empty-cache")), "no data was fetched");
        assertEquals(List.of("todo.txt"), new jtrain.training.run.RunFolder(notes).filesBesidesLock(9), "nothing written beside the user's file");
    }

    static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

    @Test
    void ctrlCSaysWhatIsKeptAndTheCommandThatResumes(@TempDir Path tmp) throws IOException {
        // Each finished unit is stored as it ends (OUT/results/*.json); the notice counts them.
        Files.createDirectories(tmp.resolve("results"));
        Files.writeString(tmp.resolve("results/pretrain.json"), "{}");
        Files.writeString(tmp.resolve("results/wall-time.json"), "{}");
        assertEquals("trainer study: interrupted; 1 finished units are kept in " + tmp.resolve("results") + " (the one in progress is run "
                + "again); resume with: ./trainer study --preset quick --seed 3 --out " + tmp,
                StudyCommand.interrupted(jtrain.training.study.StudyPreset.of("quick"), tmp, 3));
    }
}
