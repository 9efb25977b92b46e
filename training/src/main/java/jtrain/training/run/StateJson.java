package jtrain.training.run;

import java.util.Map;

/** Reading the fields of a checkpoint's trainer_state.json, with errors naming the file and the field. */
public final class StateJson {
    private StateJson() {}

    public static Object field(Map<String, Object> j, String key, String source) {
        Object v = j.get(key);
        if (v == null) throw new IllegalArgumentException(source + ": missing field '" + key + "'");
        return v;
    }

    public static Number number(Map<String, Object> j, String key, String source) {
        if (!(field(j, key, source) instanceof Number n)) throw new IllegalArgumentException(source + ": field '" + key + "' is not a number");
        return n;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> j, String key, String source) {
        if (!(field(j, key, source) instanceof Map<?, ?> m)) throw new IllegalArgumentException(source + ": field '" + key + "' is not an object");
        return (Map<String, Object>) m;
    }

    /** A 64-bit state (an rng's) as saved: hex, since a JSON number would lose bits. */
    public static String hex(long value) {
        return Long.toHexString(value);
    }

    public static long hex(Map<String, Object> j, String key, String source) {
        try {
            return Long.parseUnsignedLong((String) field(j, key, source), 16);
        } catch (ClassCastException | NumberFormatException e) {
            throw new IllegalArgumentException(source + ": field '" + key + "' is not a hex number");
        }
    }
}
