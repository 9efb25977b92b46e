package jtrain.engine;

/**
 * A label for the work running on this thread, read by profilers: "forward" or "backward" (from autograd) unless a
 * caller has entered a named phase such as "optimizer" or "eval".
 */
public final class Phase {
    private Phase() {}

    private static final ThreadLocal<String[]> NAMED = ThreadLocal.withInitial(() -> new String[1]);

    /** Labels the work until close() (nested phases restore the outer one). */
    public static Autograd.AutoCloseable0 enter(String name) {
        String[] current = NAMED.get();
        String outer = current[0];
        current[0] = name;
        return () -> current[0] = outer;
    }

    /** The named phase, else "backward" inside autograd's backward pass, else "forward". */
    public static String current() {
        String named = NAMED.get()[0];
        if (named != null) return named;
        return Autograd.inBackward() ? "backward" : "forward";
    }
}
