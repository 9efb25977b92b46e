package jtrain.training.cli;

import java.util.ArrayList;
import java.util.List;

/** Reads option values for the commands, with one-line errors that name the option. */
final class CliArgs {
    private final String[] args;
    private int i;

    CliArgs(String[] args) {
        this.args = args;
    }

    boolean hasNext() {
        return i < args.length;
    }

    String next() {
        return args[i++];
    }

    /** The value after the option just read. */
    String value(String option) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(option + " needs a value");
        return args[i++];
    }

    /** All values up to the next option (at least one). */
    List<String> values(String option) {
        List<String> out = new ArrayList<>();
        while (i < args.length && !args[i].startsWith("--")) out.add(args[i++]);
        if (out.isEmpty()) throw new IllegalArgumentException(option + " needs at least one value");
        return out;
    }

    static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'");
        }
    }

    static long longInteger(String option, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'");
        }
    }

    static double number(String option, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
        }
    }
}
