package jtrain.training.run;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * The line a command prints when Ctrl-C (SIGINT) or a termination signal stops it: the JVM then runs shutdown hooks
 * while the command's own thread goes on, and halts when they end (exit status 130 for Ctrl-C). The hook writes no
 * file, so it cannot leave one half-written; its message is built by the command (where the last checkpoint is, how to
 * resume). Installed for the training part of a command and removed when that part ends, so a normal exit prints nothing.
 */
public final class InterruptNotice implements AutoCloseable {
    private final Thread hook;

    private InterruptNotice(Thread hook) {
        this.hook = hook;
    }

    /** Prints message.get() on err if the process is stopped by a signal before close(). */
    public static InterruptNotice install(PrintStream err, Supplier<String> message) {
        Thread hook = new Thread(() -> {
            // On a terminal the progress line is still open (and "^C" was echoed after it): start a fresh line.
            boolean terminal = System.console() != null && System.console().isTerminal();
            err.println((terminal ? "\n" : "") + message.get());
            err.flush();
        }, "interrupt-notice");
        Runtime.getRuntime().addShutdownHook(hook);
        return new InterruptNotice(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing to remove
        }
    }
}
