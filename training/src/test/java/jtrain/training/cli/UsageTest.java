package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** ./trainer help lists every command, those the launcher script runs itself (test, build, jmh) included. */
class UsageTest {

    @Test
    void helpListsEveryCommandOfTheLauncher() throws IOException {
        // Surefire runs in the module folder; the launcher is at the repository root.
        String launcher = Files.readString(Path.of("..", "trainer"));
        Matcher command = Pattern.compile("(?m)^  ([a-z-]+)\\)$").matcher(launcher);
        int found = 0;
        while (command.find()) {
            found++;
            assertTrue(Main.usage().contains("\n  " + command.group(1) + " "), "'" + command.group(1) + "' is missing from:\n" + Main.usage());
        }
        assertTrue(found >= 3, "the launcher's own commands (test, build, jmh) were found: " + found);
    }
}
