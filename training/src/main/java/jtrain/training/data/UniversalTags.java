package jtrain.training.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Brown corpus tags to the 12 universal tags of Petrov, Das and McDonald (2012). The rules (see docs/data.md):
 * foreign words ("fw-...") are X; the suffixes -tl (title), -hl (headline) and -nc (citation) do not change the word
 * class and are dropped; a contraction "a+b" takes the class of its first part (I'm = ppss+bem is a pronoun); a
 * trailing "*" (negated verb, didn't = dod*) keeps the verb's class, and "*" alone (not, n't) is ADV; a trailing
 * "$" (possessive) keeps the class of the base tag.
 */
public final class UniversalTags {
    private UniversalTags() {}

    public static final List<String> TAGS =
            List.of("NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "NUM", "CONJ", "PRT", ".", "X");

    private static final Map<String, String> BASE = new HashMap<>();

    private static void put(String tag, String... brown) {
        for (String b : brown) BASE.put(b, tag);
    }

    static {
        put("NOUN", "nn", "nns", "np", "nps", "nr", "nrs");
        // be/do/have forms and modals are verbs in the universal tagset (it has no AUX).
        put("VERB", "vb", "vbd", "vbg", "vbn", "vbz", "be", "bed", "bedz", "beg", "bem", "ben", "ber", "bez",
                "do", "dod", "doz", "hv", "hvd", "hvg", "hvn", "hvz", "md");
        put("ADJ", "jj", "jjr", "jjs", "jjt", "od");
        put("ADV", "rb", "rbr", "rbt", "rn", "ql", "qlp", "wql", "wrb", "*");
        put("PRON", "pp", "ppl", "ppls", "ppo", "pps", "ppss", "pn", "wp", "wpo", "wps");
        // Articles, determiners, pre-quantifiers (all, both, quite) and existential "there" (as Petrov maps EX).
        put("DET", "at", "ap", "abl", "abn", "abx", "dt", "dti", "dts", "dtx", "wdt", "ex");
        put("ADP", "in");
        put("NUM", "cd");
        put("CONJ", "cc", "cs");
        put("PRT", "rp", "to");
        put(".", ".", ",", ":", ";", "(", ")", "--", "``", "''", "'", "`", "!", "?");
        put("X", "uh", "nil", "fw");
    }

    /** The universal tag of a Brown tag; X for foreign words and for anything the rules do not know. */
    public static String map(String brownTag) {
        String t = brownTag.toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("fw-")) return "X";
        if (t.startsWith("--")) return "."; // the dash tag, also as "---hl"
        int plus = t.indexOf('+');
        if (plus > 0) t = t.substring(0, plus);
        int dash = t.indexOf('-');
        if (dash > 0) t = t.substring(0, dash); // -tl, -hl, -nc, and truncated ones like "-n"
        if (t.length() > 1 && t.endsWith("*")) t = t.substring(0, t.length() - 1);
        String u = BASE.get(t);
        while (u == null && t.length() > 1 && t.endsWith("$")) {
            t = t.substring(0, t.length() - 1);
            u = BASE.get(t);
        }
        return u != null ? u : "X";
    }

    /** Whether map() knows the tag (rather than falling back to X); for checking the rules cover a corpus. */
    public static boolean isKnown(String brownTag) {
        String t = brownTag.toLowerCase(java.util.Locale.ROOT);
        return !map(t).equals("X") || t.startsWith("fw-") || t.equals("uh") || t.startsWith("uh-")
                || t.equals("nil");
    }
}
