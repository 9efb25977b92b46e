package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch scripts under src/test/resources/torch with /usr/bin/python3. Tests that need them call
 * {@link #assumeAvailable} first, so they skip with a message where python3 cannot import torch and numpy.
 */
final class TorchPython {
    private TorchPython() {}

    static final String PYTHON = "/usr/bin/python3";
    private static Boolean available;

    static synchronized void assumeAvailable(String why) {
        if (available == null) available = canImportTorch();
        assumeTrue(available, "skipped: " + PYTHON + " cannot import torch, which " + why);
    }

    private static boolean canImportTorch() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs resources/torch/SCRIPT with the arguments; fails with the script's output when it exits non-zero. */
    static void run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, scriptPath(script)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), script + " timed out");
        assertEquals(0, p.exitValue(), script + " failed: " + output);
    }

    private static String scriptPath(String script) throws URISyntaxException {
        return Path.of(TorchPython.class.getResource("/torch/" + script).toURI()).toString();
    }
}
