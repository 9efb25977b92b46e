package jtrain.training.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;

/** metrics.jsonl: one JSON object per log or evaluation step, flushed as written so a killed run keeps its history. */
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

    /** Writes one record; keys keep their order. */
    public void write(Map<String, Object> record) {
        try {
            out.write(Json.write(new LinkedHashMap<>(record)));
            out.write('\n');
            out.flush();
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics to " + IoErrors.describe(file, e), e);
        }
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
