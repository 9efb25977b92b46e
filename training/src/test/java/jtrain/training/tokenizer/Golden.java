package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jtrain.engine.io.Json;

/**
 * Finds the read-only reference data (shared/golden beside the project). Tests that need it are skipped, not
 * failed, when it is absent, e.g. on a machine that only has the repository.
 */
public final class Golden {
    private Golden() {}

    /** shared/golden found by walking up from the working directory, or null. */
    public static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path g = d.resolve("shared").resolve("golden");
            if (Files.isDirectory(g)) return g;
        }
        return null;
    }

    /** A path inside shared/golden; skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path root = root();
        assumeTrue(root != null, "golden reference data not found: no shared/golden folder above " + Path.of("").toAbsolutePath());
        Path p = root.resolve(relative);
        assumeTrue(Files.exists(p), "golden reference file missing: " + p);
        return p;
    }

    public static Map<String, Object> json(String relative) throws IOException {
        Path p = require(relative);
        return Json.parseObject(Files.readString(p), p.toString());
    }

    /** A JSON list of integers as an int array. */
    public static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
