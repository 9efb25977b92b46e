package jtrain.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;

/** Helpers for the @stdlib dataset packages, which hold one JSON object per file under data/. */
final class JsonRecords {
    private JsonRecords() {}

    static Map<String, Object> read(Path file) {
        String src = file.toString();
        try {
            return Json.parseObject(TextFiles.readUtf8(file), src);
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    static String string(Map<String, Object> obj, String key, String source) {
        Object v = obj.get(key);
        if (v instanceof String s) return s;
        if (v instanceof Number n) return n.longValue() == n.doubleValue() ? Long.toString(n.longValue()) : n.toString();
        throw new DataException(source + ": field \"" + key + "\" missing or not a string");
    }

    /** The .json files directly in dir whose names pass the filter, sorted by name for a stable order. */
    static List<Path> list(Path dir, Predicate<String> nameFilter) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> nameFilter.test(p.getFileName().toString()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + IoErrors.describe(dir, e), e);
        }
    }

    static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.substring(0, n.length() - ".json".length());
    }
}
