package jtrain.training.cli;

import java.util.Locale;

/**
 * The note printed when --max-len builds a model with more than 4,096 positions. Any length is allowed, as in HF's
 * max_position_embeddings, but attention's memory grows with the square of the sequence length.
 */
final class LongSequenceNote {
    static final int QUIET_UP_TO = 4096;

    private LongSequenceNote() {}

    /** Null up to QUIET_UP_TO positions; else one line naming the flag and the attention scores' size. */
    static String of(int maxLen, int heads) {
        if (maxLen <= QUIET_UP_TO) return null;
        long bytes = (long) maxLen * maxLen * heads * 4;
        return String.format(Locale.ROOT, "note: --max-len %d makes a model of %,d positions; its attention scores alone take about %s "
                + "per layer per sequence (%d x %d positions x %d heads x 4 bytes)", maxLen, maxLen, size(bytes), maxLen, maxLen, heads);
    }

    private static String size(long bytes) {
        double gib = bytes / (double) (1L << 30);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib) : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
