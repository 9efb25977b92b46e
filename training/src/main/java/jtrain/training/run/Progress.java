package jtrain.training.run;

import java.io.PrintStream;

/**
 * A progress line for long work: rewritten in place (at most a few times a second) on a terminal; when output is
 * a file or pipe, a full line at most every {@code quietSeconds}, so logs are not flooded.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long minIntervalNanos;
    private long lastPrint;
    private boolean lineOpen;

    public Progress(PrintStream out, double quietSeconds) {
        this.out = out;
        this.terminal = System.console() != null && System.console().isTerminal();
        this.minIntervalNanos = (long) ((terminal ? 0.25 : quietSeconds) * 1e9);
    }

    /** Shows the line unless one was shown too recently (force: always, e.g. for the last step). */
    public void update(String line, boolean force) {
        long now = System.nanoTime();
        if (!force && lastPrint != 0 && now - lastPrint < minIntervalNanos) return;
        lastPrint = now;
        if (terminal) {
            out.print("\r\033[K" + line);
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a permanent line (e.g. an evaluation result) without garbling an in-place progress line. */
    public void println(String line) {
        if (lineOpen) {
            out.print("\r\033[K");
            lineOpen = false;
        }
        out.println(line);
        out.flush();
    }

    public void done() {
        if (lineOpen) out.println();
        lineOpen = false;
    }

    /** "1h02m", "3m05s", "12s". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format("%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
