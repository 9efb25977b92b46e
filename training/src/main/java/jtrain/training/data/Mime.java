package jtrain.training.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the readable text of a raw RFC 822 / MIME message: the decoded Subject and the text of its text parts
 * (quoted-printable and base64 decoded, in the declared charset; HTML reduced to text; multipart/alternative prefers
 * the plain version). Attachments that are not text are skipped. Lenient throughout: spam is often malformed, and
 * a half-decoded message is more useful than an exception.
 */
public final class Mime {
    private Mime() {}

    public record Message(String subject, String body) {}

    private record Part(Map<String, String> headers, String body) {}

    public static Message parse(String raw) {
        Part p = split(raw.replace("\r\n", "\n"));
        String subject = tidy(decodeWords(p.headers().getOrDefault("subject", "")));
        return new Message(subject, tidy(text(p, 0)));
    }

    /** Headers (lower-case names, first occurrence wins, folded lines joined) and the body after the blank line. */
    private static Part split(String s) {
        int end = s.startsWith("\n") ? 0 : s.indexOf("\n\n");
        String head = end < 0 ? s : s.substring(0, end);
        String body = end < 0 ? "" : s.substring(end + (end == 0 ? 1 : 2));
        Map<String, String> headers = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : head.split("\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (name != null) headers.putIfAbsent(name, value.toString().strip());
            int colon = line.indexOf(':');
            name = colon > 0 ? line.substring(0, colon).strip().toLowerCase(Locale.ROOT) : null;
            value.setLength(0);
            if (name != null) value.append(line.substring(colon + 1));
        }
        if (name != null) headers.putIfAbsent(name, value.toString().strip());
        return new Part(headers, body);
    }

    private static String text(Part p, int depth) {
        String ctype = p.headers().getOrDefault("content-type", "");
        String type = mediaType(ctype);
        if (depth > 8) return "";
        if (type.startsWith("multipart/")) {
            String boundary = param(ctype, "boundary");
            List<Part> parts = boundary == null ? List.of() : multipart(p.body(), boundary);
            if (parts.isEmpty()) return decodeLeaf(p, "text/plain");
            if (type.equals("multipart/alternative")) {
                // The same content several ways: the plain version if there is one, else the richest (the last).
                for (Part q : parts) {
                    if (!mediaType(q.headers().getOrDefault("content-type", "text/plain")).equals("text/plain")) continue;
                    String t = decodeLeaf(q, "text/plain");
                    if (!t.isBlank()) return t;
                }
                for (Part q : parts.reversed()) {
                    String t = text(q, depth + 1);
                    if (!t.isBlank()) return t;
                }
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (Part q : parts) {
                String t = text(q, depth + 1);
                if (!t.isBlank()) sb.append(sb.isEmpty() ? "" : "\n\n").append(t);
            }
            return sb.toString();
        }
        if (type.equals("message/rfc822")) return text(split(p.body()), depth + 1);
        if (type.isEmpty()) {
            // No Content-Type: plain text, unless it is evidently HTML (common in spam).
            type = p.body().toLowerCase(Locale.ROOT).contains("<html") ? "text/html" : "text/plain";
        }
        if (!type.startsWith("text/")) return "";
        return decodeLeaf(p, type);
    }

    private static String decodeLeaf(Part p, String type) {
        String ctype = p.headers().getOrDefault("content-type", "");
        String cte = p.headers().getOrDefault("content-transfer-encoding", "").strip().toLowerCase(Locale.ROOT);
        Charset cs = charset(param(ctype, "charset"));
        String s = switch (cte) {
            case "base64" -> base64(p.body(), cs);
            case "quoted-printable" -> quotedPrintable(p.body(), cs, false);
            default -> p.body();
        };
        return type.equals("text/html") ? HtmlText.toText(s) : s;
    }

    private static List<Part> multipart(String body, String boundary) {
        List<Part> parts = new ArrayList<>();
        String delim = "--" + boundary;
        StringBuilder cur = null;
        for (String line : body.split("\n", -1)) {
            String l = line.stripTrailing();
            if (l.equals(delim) || l.equals(delim + "--")) {
                if (cur != null) parts.add(split(cur.toString()));
                if (l.endsWith("--") && !l.equals(delim)) return parts;
                cur = new StringBuilder();
            } else if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        if (cur != null) parts.add(split(cur.toString())); // missing closing delimiter
        return parts;
    }

    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).strip().toLowerCase(Locale.ROOT);
    }

    private static final Map<String, Pattern> PARAMS = Map.of("boundary", paramPattern("boundary"),
            "charset", paramPattern("charset"));

    private static Pattern paramPattern(String name) {
        return Pattern.compile("(?i);\\s*" + name + "\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");
    }

    static String param(String contentType, String name) {
        Pattern p = PARAMS.get(name);
        Matcher m = (p != null ? p : paramPattern(name)).matcher(contentType);
        if (!m.find()) return null;
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    /** The named charset, or windows-1252 (a superset of Latin-1 that old mail mislabels as us-ascii). */
    static Charset charset(String name) {
        if (name != null) {
            try {
                Charset cs = Charset.forName(name.strip());
                if (!cs.equals(StandardCharsets.US_ASCII)) return cs;
            } catch (IllegalArgumentException ignored) {
                // unknown or illegal charset name
            }
        }
        return Charset.forName("windows-1252");
    }

    static String base64(String body, Charset cs) {
        int eq = body.indexOf('=');
        String clean = (eq >= 0 ? body.substring(0, eq) : body).replaceAll("[^A-Za-z0-9+/]", "");
        // A lone trailing character cannot encode a byte (truncated message); the decoder needs no '=' padding.
        if (clean.length() % 4 == 1) clean = clean.substring(0, clean.length() - 1);
        try {
            return new String(Base64.getDecoder().decode(clean), cs);
        } catch (IllegalArgumentException e) {
            return body;
        }
    }

    /**
     * Decodes =XX escapes (and, in headers, _ as space); soft line breaks "=\n" join lines. Runs of escaped bytes are
     * decoded in the charset; other characters pass through as they are, since the message is already a string.
     */
    static String quotedPrintable(String s, Charset cs, boolean header) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                i++;
                continue;
            }
            if (c == '=' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            flush(bytes, out, cs);
            out.append(header && c == '_' ? ' ' : c);
        }
        flush(bytes, out, cs);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out, Charset cs) {
        if (bytes.size() == 0) return;
        out.append(new String(bytes.toByteArray(), cs));
        bytes.reset();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

    /** RFC 2047 encoded words in headers (=?charset?B|Q?...?=); whitespace between two such words is dropped. */
    static String decodeWords(String header) {
        String s = header.replaceAll("(\\?=)\\s+(=\\?)", "$1$2");
        Matcher m = ENCODED_WORD.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Charset cs = charset(m.group(1));
            String dec = m.group(2).equalsIgnoreCase("b") ? base64(m.group(3), cs)
                    : quotedPrintable(m.group(3), cs, true);
            m.appendReplacement(sb, Matcher.quoteReplacement(dec));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Collapses runs of spaces, trims lines, and keeps at most one blank line in a row. */
    static String tidy(String s) {
        String t = s.replace('\u00a0', ' ').replaceAll("[ \\t\\x0B\\f\\r]+", " ");
        t = t.replaceAll(" ?\n ?", "\n").replaceAll("\n{3,}", "\n\n");
        return t.strip();
    }
}
