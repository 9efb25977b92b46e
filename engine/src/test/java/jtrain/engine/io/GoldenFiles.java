package jtrain.engine.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the reference outputs in shared/golden by walking up from the working folder (they live outside the repo). */
public final class GoldenFiles {
    private GoldenFiles() {}

    /** The folder shared/golden/{relative}; skips the calling test when it cannot be found. */
    public static Path dir(String relative) {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("golden").resolve(relative);
            if (Files.isDirectory(candidate)) return candidate;
        }
        assumeTrue(false, "golden files shared/golden/" + relative + " not found in " + start + " or any folder above it; skipping");
        throw new AssertionError("unreachable");
    }
}
