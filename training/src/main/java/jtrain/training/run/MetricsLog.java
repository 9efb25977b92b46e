package jtrain.training.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;

/**
 * metrics.jsonl: one JSON object per log or evaluation step, flushed as written so a killed run keeps its history.
 * Every line is strict JSON: a number that is not finite (grad_norm with clipping off, an undefined correlation) is
 * written as null, since jq, JavaScript's JSON.parse and most line-oriented tools refuse Python's NaN and Infinity.
 */
public final class MetricsLog implements AutoCloseable {
    private final BufferedWriter out;
    private final Path file;
    private int written;

    public MetricsLog(Path file, boolean append) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** Writes one record; keys keep their order; NaN and infinities become null. */
    public void write(Map<String, Object> record) {
        try {
            out.write(Json.write(finiteOrNull(record)));
            out.write('\n');
            out.flush();
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics to " + IoErrors.describe(file, e), e);
        }
    }

    private static Object finiteOrNull(Object value) {
        return switch (value) {
            case Double d when !Double.isFinite(d) -> null;
            case Float f when !Float.isFinite(f) -> null;
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(k, finiteOrNull(v)));
                yield copy;
            }
            case List<?> list -> list.stream().map(MetricsLog::finiteOrNull).toList();
            case double[] a -> Arrays.stream(a).mapToObj(MetricsLog::finiteOrNull).toList();
            case float[] a -> finiteOrNull(IntStream.range(0, a.length).mapToObj(i -> a[i]).toList());
            case null, default -> value;
        };
    }

    /** The records this log has written (those the file held when it was opened not counted). */
    public int written() {
        return written;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
