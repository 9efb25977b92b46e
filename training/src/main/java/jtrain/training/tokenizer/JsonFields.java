package jtrain.training.tokenizer;

import java.util.Map;

/** Typed reads of JSON fields with errors that name the file and the field, for the tokenizer file readers. */
final class JsonFields {
    private JsonFields() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String src, String field) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(src + ": '" + field + "' should be a JSON object");
    }

    static String str(Map<String, Object> obj, String key, String dflt, String src) {
        Object v = obj.get(key);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        // transformers sometimes stores a token as {"content": "[UNK]", ...}
        if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) return s;
        throw new IllegalArgumentException(src + ": '" + key + "' should be a string");
    }

    static boolean bool(Object v, boolean dflt, String src, String field) {
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException(src + ": '" + field + "' should be true or false");
    }

    static long integer(Object v, long dflt, String src, String field) {
        if (v == null) return dflt;
        if (v instanceof Long l) return l;
        throw new IllegalArgumentException(src + ": '" + field + "' should be an integer");
    }
}
