package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ./trainer commands started together when the jars need building run one Maven build, not two: two builds over
 * the same target/ folders broke each other (a compilation error in one of them, seen with a pretrain and a finetune
 * started a few seconds apart after a source change). The launcher runs here on a copy of itself with a fake mvn
 * that builds nothing until the test lets it finish.
 */
class LauncherBuildLockTest {
    @TempDir
    Path root;

    @Test
    @Timeout(120) // a launcher that waits on something else would hang the build otherwise
    void aSecondLauncherWaitsForTheFirstOnesBuildInsteadOfStartingAnother() throws Exception {
        Path launcher = root.resolve("trainer");
        Files.copy(Path.of("..", "trainer"), launcher); // surefire runs in the module folder
        Path bin = Files.createDirectories(root.resolve("bin")), log = root.resolve("mvn.log"), release = root.resolve("release");
        Path mvn = Files.writeString(bin.resolve("mvn"), """
                #!/bin/bash
                echo "mvn $*" >> "%s"
                while [ ! -f "%s" ]; do sleep 0.05; done
                mkdir -p training/target benchmarks/target && touch training/target/training.jar benchmarks/target/benchmarks.jar
                """.formatted(log, release));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process first = start(launcher, bin);
        while (!Files.exists(log)) Thread.onSpinWait(); // the first launcher's build has begun
        Process second = start(launcher, bin);
        try (var err = new BufferedReader(new InputStreamReader(second.getErrorStream(), StandardCharsets.UTF_8))) {
            assertEquals("trainer: another ./trainer is building the jars; waiting for it...", err.readLine());
        } finally {
            Files.writeString(release, ""); // the fake builds end, whatever the assertion found
            first.waitFor();
            second.waitFor();
        }
        assertEquals(1, Files.readAllLines(log).size(), "one build: " + Files.readAllLines(log));
    }

    private static Process start(Path launcher, Path bin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(launcher.toString(), "help")).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        return pb.start();
    }
}
