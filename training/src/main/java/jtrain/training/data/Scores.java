package jtrain.training.data;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Regression targets written as text, one number per model output: a decimal number ("3.8", "-1", "2.5e-1"), or
 * several separated by commas ("0.5, -1, 2") in one .tsv/.csv field, as a multi-label field lists its labels. The
 * decimal point is '.'; hexadecimal, "NaN", "Infinity" and numbers beyond float's range are refused.
 */
public final class Scores {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    /** "3,8": two whole numbers, or one number written with a decimal comma. */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d+,\\d+");

    private Scores() {}

    /** The numbers of a field (blanks around each dropped), or null when one of them is not a finite decimal number. */
    public static float[] parse(String field) {
        return parse(List.of(field.split(TextExample.LABEL_SEPARATOR, -1)));
    }

    /** One number per value (blanks around each dropped), or null when a value is not a finite decimal number or there is none. */
    public static float[] parse(List<String> values) {
        if (values.isEmpty()) return null;
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            String v = values.get(i).strip();
            if (!DECIMAL.matcher(v).matches()) return null;
            out[i] = Float.parseFloat(v); // as a one-number label was always read, so old runs keep their targets
            if (!Float.isFinite(out[i])) return null;
        }
        return out;
    }

    /** Whether a field reads like "3,8": a decimal comma, which this format takes as two numbers. */
    public static boolean looksLikeDecimalComma(String field) {
        return field != null && DECIMAL_COMMA.matcher(field.strip()).matches();
    }

    /**
     * A note when every score of a file is written like "3,8": read as two outputs, as the format says, but more likely
     * numbers with a decimal comma; null otherwise. examples: the file's examples.
     */
    public static String decimalCommaNote(List<TextExample> examples, Object file) {
        if (examples.isEmpty()) return null;
        for (TextExample e : examples) if (e.labelList() != null || !looksLikeDecimalComma(e.label())) return null;
        String first = examples.getFirst().label().strip();
        return "note: every score in " + file + " is written like '" + first + "' (digits, a comma, digits), which reads as two numbers,"
                + " so the model gets 2 outputs; if ',' is a decimal comma there, write '" + first.replace(',', '.') + "'";
    }
}
