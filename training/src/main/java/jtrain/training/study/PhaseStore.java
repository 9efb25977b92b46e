package jtrain.training.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;

/**
 * Makes the study resumable: each finished unit of work (a phase or one fine-tuning run) leaves a JSON result
 * under results/, written atomically; a rerun reads it back instead of redoing the work.
 */
final class PhaseStore {
    private final Path dir;

    PhaseStore(Path outDir) {
        this.dir = outDir.resolve("results");
    }

    /** The stored result of name, or the result of work (then stored). */
    Map<String, Object> getOrRun(String name, Supplier<Map<String, Object>> work) {
        Map<String, Object> stored = get(name);
        if (stored != null) return stored;
        Map<String, Object> result = work.get();
        put(name, result);
        return result;
    }

    /** The stored result of name, or null. */
    Map<String, Object> get(String name) {
        Path f = dir.resolve(name + ".json");
        try {
            return Files.exists(f) ? Json.readObject(f) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(f, e), e);
        }
    }

    /** Stores (or replaces) the result of name, atomically. */
    void put(String name, Map<String, Object> result) {
        Path f = dir.resolve(name + ".json");
        try {
            Files.createDirectories(dir);
            byte[] bytes = Json.writePretty(result).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            AtomicFiles.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(f, e), e);
        }
    }

    /** The file that holds (or will hold) the result of name. */
    Path file(String name) {
        return dir.resolve(name + ".json");
    }

    /** The folder of the stored results (OUT/results). */
    Path dir() {
        return dir;
    }

    boolean has(String name) {
        return Files.exists(dir.resolve(name + ".json"));
    }
}
