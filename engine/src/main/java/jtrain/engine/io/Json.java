package jtrain.engine.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small JSON reader and writer (configs, safetensors headers, tokenizer files, metrics). Objects become
 * {@code LinkedHashMap<String, Object>} (key order kept), arrays {@code List<Object>}, numbers {@code Double} or
 * {@code Long} (integers that fit), plus String, Boolean and null.
 */
public final class Json {
    private final String text;
    private final String source;
    private int pos;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses a whole document; source names the file in error messages, which read
     * "source:LINE:COLUMN: invalid JSON: expected WHAT but found WHAT".
     */
    public static Object parse(String text, String source) {
        return new Json(text, source).document();
    }

    public static Object parse(String text) {
        return parse(text, "<json>");
    }

    /**
     * Reads file as UTF-8 and parses the JSON object it holds, the file named in every error (a byte that is not
     * UTF-8 included, which Java reports as just "Input length = 1").
     */
    public static Map<String, Object> readObject(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(IoErrors.describe(file, e), e);
        }
        return parseObject(text, file.toString());
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Json p = new Json(text, source);
        Object v = p.document();
        if (!(v instanceof Map)) {
            p.pos = 0;
            p.skipSpace();
            throw new IllegalArgumentException(p.where(p.pos) + ": expected a JSON object at the top level but found " + kind(v));
        }
        return (Map<String, Object>) v;
    }

    private Object document() {
        skipSpace();
        Object v = value();
        skipSpace();
        if (pos != text.length()) throw error("expected the end of the input after the value but found " + found());
        return v;
    }

    private static String kind(Object v) {
        return switch (v) {
            case null -> "null";
            case List<?> _ -> "an array";
            case String _ -> "a string";
            case Boolean _ -> "a boolean";
            default -> "a number";
        };
    }

    private IllegalArgumentException error(String message) {
        return error(message, pos);
    }

    private IllegalArgumentException error(String message, int at) {
        return new IllegalArgumentException(where(at) + ": invalid JSON: " + message);
    }

    /** "source:LINE:COLUMN" of offset at (both counted from 1). */
    private String where(int at) {
        int line = 1, col = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return source + ":" + line + ":" + col;
    }

    /** What stands at the current position: the end of the input, a word or number (quoted), or one character. */
    private String found() {
        if (pos >= text.length()) return "the end of the input";
        int end = pos;
        while (end < text.length() && end - pos < 20 && isWordChar(text.charAt(end))) end++;
        if (end > pos) return "'" + text.substring(pos, end) + (end < text.length() && isWordChar(text.charAt(end)) ? "...'" : "'");
        char c = text.charAt(pos);
        return Character.isISOControl(c) ? String.format("the control character U+%04X", (int) c) : "'" + c + "'";
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '+' || c == '-';
    }

    /** RFC 8259's four whitespace characters only: other control characters are errors, not space. */
    private void skipSpace() {
        while (pos < text.length() && isSpace(text.charAt(pos))) pos++;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private boolean at(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c, String what) {
        if (!at(c)) throw error("expected " + what + " but found " + found());
        pos++;
    }

    private Object value() {
        char c = pos < text.length() ? text.charAt(pos) : 0;
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            case 'N': return literal("NaN", Double.NaN); // NaN and Infinity, which Python's json module writes
            case 'I': return literal("Infinity", Double.POSITIVE_INFINITY);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("expected a value but found " + found());
        }
    }

    /** The word alone (not the start of a longer one, as in "nullify"), else an error showing what is there. */
    private Object literal(String word, Object v) {
        int end = pos + word.length();
        if (!text.startsWith(word, pos) || (end < text.length() && isWordChar(text.charAt(end)))) {
            throw error("expected a value but found " + found());
        }
        pos = end;
        return v;
    }

    private Map<String, Object> object() {
        expect('{', "'{'");
        Map<String, Object> m = new LinkedHashMap<>();
        skipSpace();
        if (at('}')) {
            pos++;
            return m;
        }
        while (true) {
            skipSpace();
            if (!at('"')) throw error("expected a quoted key but found " + found());
            String key = string();
            skipSpace();
            expect(':', "':' after the key");
            skipSpace();
            m.put(key, value());
            skipSpace();
            if (at(',')) {
                pos++;
            } else {
                expect('}', "',' or '}'");
                return m;
            }
        }
    }

    private List<Object> array() {
        expect('[', "'['");
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (at(']')) {
            pos++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (at(',')) {
                pos++;
            } else {
                expect(']', "',' or ']'");
                return list;
            }
        }
    }

    private String string() {
        int open = pos;
        expect('"', "'\"'");
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw unclosed(open, "the end of the input");
            char c = text.charAt(pos);
            if (c == '\n' || c == '\r') throw unclosed(open, "the end of the line");
            if (c < 0x20) throw error("expected a printable character or an escape inside the string but found " + found());
            pos++;
            if (c == '"') return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            int escape = pos - 1;
            if (pos >= text.length()) throw unclosed(open, "the end of the input");
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    String hex = text.substring(pos, Math.min(pos + 4, text.length()));
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        throw error("expected four hex digits after \\u but found '" + hex + "'", escape);
                    }
                    sb.append((char) Integer.parseInt(hex, 16));
                    pos += 4;
                }
                default -> {
                    throw error("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) but found '\\" + e + "'", escape);
                }
            }
        }
    }

    /**
     * Reported where the string opens: the end of the input (or line: JSON strings cannot hold a raw line break)
     * is rarely where the quote is missing.
     */
    private IllegalArgumentException unclosed(int open, String end) {
        return error("the string that starts here is not closed: no '\"' before " + end, open);
    }

    /** RFC 8259's number: no leading zeros, no '+' sign, digits on both sides of a '.'. */
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern LEADING_ZERO = Pattern.compile("-?0[0-9]");

    private Object number() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
            if (text.startsWith("Infinity", pos)) {
                pos += 8;
                return Double.NEGATIVE_INFINITY;
            }
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String s = text.substring(start, pos);
        if (!NUMBER.matcher(s).matches()) {
            String what = LEADING_ZERO.matcher(s).lookingAt() ? "a number without leading zeros" : "a number";
            throw error("expected " + what + " but found '" + s + "'", start);
        }
        try {
            if (integral && s.length() < 19) return Long.parseLong(s);
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error("expected a number but found '" + s + "'", start);
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------

    /** Compact JSON for maps, lists, strings, numbers, booleans, null, int/long/float/double arrays. */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, -1, 0);
        return sb.toString();
    }

    /** Indented JSON (2 spaces), for files people read such as config.json. */
    public static String writePretty(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, 2, 0);
        return sb.append('\n').toString();
    }

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent < 0) return;
        sb.append('\n');
        sb.append(" ".repeat(indent * depth));
    }

    private static void write(Object v, StringBuilder sb, int indent, int depth) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(s, sb);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(formatDouble(d));
            case Float f -> sb.append(formatDouble(f.doubleValue()));
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    newline(sb, indent, depth + 1);
                    quote(String.valueOf(e.getKey()), sb);
                    sb.append(indent < 0 ? ":" : ": ");
                    write(e.getValue(), sb, indent, depth + 1);
                }
                if (!m.isEmpty()) newline(sb, indent, depth);
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(indent < 0 ? "," : ", ");
                    write(l.get(i), sb, indent, depth + 1);
                }
                sb.append(']');
            }
            case int[] a -> write(java.util.Arrays.stream(a).boxed().toList(), sb, indent, depth);
            case long[] a -> write(java.util.Arrays.stream(a).boxed().toList(), sb, indent, depth);
            case double[] a -> write(java.util.Arrays.stream(a).boxed().toList(), sb, indent, depth);
            case float[] a -> {
                List<Object> l = new ArrayList<>();
                for (float f : a) l.add((double) f);
                write(l, sb, indent, depth);
            }
            default -> quote(v.toString(), sb);
        }
    }

    private static String formatDouble(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d) + ".0";
        return Double.toString(d);
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    // ---- typed access --------------------------------------------------------------------------------------

    /** A required field of an object, with an error naming the source and key when missing. */
    public static Object require(Map<String, Object> obj, String key, String source) {
        if (!obj.containsKey(key)) throw new IllegalArgumentException(source + ": missing field '" + key + "'");
        return obj.get(key);
    }
}
