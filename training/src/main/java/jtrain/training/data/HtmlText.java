package jtrain.training.data;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns HTML (as found in e-mail bodies) into plain text: drops scripts, styles, comments and tags, turns block tags
 * into line breaks, and decodes character references. Not a full HTML parser: e-mail HTML is often broken, and the
 * goal is only the words a reader would see.
 */
public final class HtmlText {
    private HtmlText() {}

    private static final Pattern INVISIBLE = Pattern.compile(
            "(?is)<!--.*?-->|<(script|style|head|title)\\b[^>]*>.*?</\\1\\s*>|<!doctype[^>]*>");
    private static final Pattern BLOCK = Pattern.compile(
            "(?i)<\\s*(br|/?p|/?div|/?tr|/?li|/?h[1-6]|/?table|/?blockquote|hr)\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,7});?");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("copy", "©"), Map.entry("reg", "®"),
            Map.entry("trade", "™"), Map.entry("mdash", "—"), Map.entry("ndash", "–"), Map.entry("hellip", "…"),
            Map.entry("lsquo", "‘"), Map.entry("rsquo", "’"), Map.entry("ldquo", "“"), Map.entry("rdquo", "”"),
            Map.entry("bull", "•"), Map.entry("middot", "·"), Map.entry("pound", "£"), Map.entry("euro", "€"),
            Map.entry("cent", "¢"), Map.entry("yen", "¥"), Map.entry("deg", "°"), Map.entry("eacute", "é"));

    public static String toText(String html) {
        String s = INVISIBLE.matcher(html).replaceAll(" ");
        s = BLOCK.matcher(s).replaceAll("\n");
        s = TAG.matcher(s).replaceAll(" ");
        return Mime.tidy(decodeEntities(s));
    }

    public static String decodeEntities(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String rep = null;
            if (name.startsWith("#")) {
                try {
                    int cp = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
                            ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                    if (Character.isValidCodePoint(cp) && cp != 0) rep = Character.toString(cp);
                } catch (NumberFormatException ignored) {
                    // leave it as written
                }
            } else {
                rep = NAMED.get(name.toLowerCase(java.util.Locale.ROOT));
                if (rep != null && !NAMED.containsKey(name) && !name.equals(name.toUpperCase(java.util.Locale.ROOT)))
                    rep = null; // entity names are case sensitive; allow only exact or all-caps (old mailers)
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(rep != null ? rep : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
