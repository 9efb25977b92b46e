package jtrain.training.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "--name value" options, "--flag" switches and positional words, checked against what a command accepts, so each
 * command's parsing is a few typed look-ups. Bad input is an IllegalArgumentException with the option's name.
 */
final class ArgList {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new java.util.HashSet<>();
    private final List<String> positional = new ArrayList<>();

    /** valued: options that take a value; switches: options that do not. */
    ArgList(String[] args, Set<String> valued, Set<String> switches) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (valued.contains(a)) {
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                values.put(a, args[++i]);
            } else if (switches.contains(a)) {
                flags.add(a);
            } else if (a.startsWith("--") && a.length() > 2) {
                throw new IllegalArgumentException("unknown option " + a);
            } else {
                positional.add(a);
            }
        }
    }

    boolean has(String flag) {
        return flags.contains(flag) || values.containsKey(flag);
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int integer(String name, int def) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, got '" + v + "'");
        }
    }

    double number(String name, double def) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }
}
