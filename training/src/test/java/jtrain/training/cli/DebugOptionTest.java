package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --debug (which Main turns into Main.stackTraces) adds the stack trace to the one-line errors the commands print. */
class DebugOptionTest {
    static String predictError(Path model) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PredictCommand.run(new String[] {"--model", model.toString(), "some text"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anErrorIsOneLineWithoutDebugAndThatLineThenTheStackTraceWithIt(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope");
        String line = "trainer predict: " + missing + ": model folder not found";
        assertEquals(List.of(line), predictError(missing).lines().toList());

        Main.stackTraces = true;
        try {
            List<String> lines = predictError(missing).lines().toList();
            assertEquals(line, lines.getFirst());
            assertTrue(lines.stream().anyMatch(l -> l.strip().startsWith("at jtrain.transformer.HfCheckpoint")), String.join("\n", lines));
        } finally {
            Main.stackTraces = false;
        }
    }
}
