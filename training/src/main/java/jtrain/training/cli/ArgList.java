package jtrain.training.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * "--name value" options, "--flag" switches and positional words, checked against what a command accepts, so each
 * command's parsing is a few typed look-ups. Every command takes -h and --help (see {@link #help()}); what follows
 * them is not read. Bad input is an IllegalArgumentException with the option's name.
 */
final class ArgList {
    private static final Set<String> HELP = Set.of("-h", "--help");

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positional = new ArrayList<>();

    /** valued: options that take a value (the next word, unless it is one of the options); switches: options that do not. */
    ArgList(String[] args, Set<String> valued, Set<String> switches) {
        this(args, valued, switches, true, "");
    }

    /**
     * For a command without positional words: every word that is not one of its options is an unknown option, and
     * the message about an unknown option ends with hint (the usage after a newline, or where to find it).
     */
    static ArgList optionsOnly(String[] args, Set<String> valued, Set<String> switches, String hint) {
        return new ArgList(args, valued, switches, false, hint);
    }

    private ArgList(String[] args, Set<String> valued, Set<String> switches, boolean wordsAllowed, String hint) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (valued.contains(a)) {
                // A missing value before the next option must not swallow that option as the value.
                if (i + 1 >= args.length || valued.contains(args[i + 1]) || switches.contains(args[i + 1]))
                    throw new IllegalArgumentException(a + " needs a value");
                values.put(a, args[++i]);
            } else if (HELP.contains(a)) {
                flags.add(a);
                return;
            } else if (switches.contains(a)) {
                flags.add(a);
            } else if (!wordsAllowed || a.startsWith("--") && a.length() > 2) {
                throw new IllegalArgumentException("unknown option " + a + hint);
            } else {
                positional.add(a);
            }
        }
    }

    /** Whether -h or --help was given. */
    boolean help() {
        return flags.contains("-h") || flags.contains("--help");
    }

    boolean has(String flag) {
        return flags.contains(flag) || values.containsKey(flag);
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** The value of an option the command cannot do without. */
    String required(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException(name + " is required (see --help)");
        return v;
    }

    int integer(String name, int def) {
        return parsed(name, def, Integer::parseInt, "an integer");
    }

    long longInteger(String name, long def) {
        return parsed(name, def, Long::parseLong, "an integer");
    }

    double number(String name, double def) {
        return parsed(name, def, Double::parseDouble, "a number");
    }

    private <T> T parsed(String name, T def, Function<String, T> parse, String what) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            return parse.apply(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs " + what + ", got '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** The one positional word: the TEXT of predict, tokenize and fill-mask. */
    String text() {
        if (positional.size() != 1) throw new IllegalArgumentException("expected exactly one TEXT (quote it), got " + positional.size());
        return positional.getFirst();
    }
}
