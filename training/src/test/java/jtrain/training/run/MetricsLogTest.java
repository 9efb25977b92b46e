package jtrain.training.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir Path dir;

    @Test
    void everyLineIsStrictJsonWithNonFiniteNumbersWrittenAsNull() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", 3);
        line.put("loss", 2.5);
        line.put("grad_norm", Double.NaN); // clipping off: no norm computed
        line.put("dev", new LinkedHashMap<>(Map.of("pearson", Double.NaN)));
        line.put("per_output", new double[] {0.5, Double.POSITIVE_INFINITY});
        line.put("spans", List.of(Float.NEGATIVE_INFINITY, 1.0f));
        try (MetricsLog log = new MetricsLog(file, false)) {
            log.write(line);
        }
        assertEquals("{\"step\":3,\"loss\":2.5,\"grad_norm\":null,\"dev\":{\"pearson\":null},"
                + "\"per_output\":[0.5,null],\"spans\":[null,1.0]}\n", Files.readString(file));
    }

    @Test
    void appendingKeepsTheLinesAlreadyThere() throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, false)) {
            log.write(Map.of("step", 1));
        }
        try (MetricsLog log = new MetricsLog(file, true)) {
            log.write(Map.of("step", 2));
            assertEquals(1, log.written());
        }
        assertEquals("{\"step\":1}\n{\"step\":2}\n", Files.readString(file));
    }
}
