package jtrain.training.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
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
            // The training thread runs on until the JVM halts: a checkpoint it saved after this line would make the
            // line name an older one than --resume uses, so saves stop here (after the one in flight, if any).
            Checkpointer.stopSaves(60);
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

    /**
     * The line for a run folder with checkpoints: the checkpoint a resume starts from (once a save in flight is done),
     * and the command that resumes it; command is "pretrain" or "finetune".
     */
    public static String checkpointLine(String command, RunFolder folder) {
        String trainer = "trainer " + command, resume = "./trainer " + command + " --out " + folder.dir() + " --resume";
        if (!folder.hasRun()) return trainer + ": interrupted before the run started; nothing was saved in " + folder.dir();
        try {
            Optional<Path> latest = Checkpointer.afterSaveInFlight(60, () -> new Checkpointer(folder.checkpoints(), 1).latest());
            return latest.map(p -> trainer + ": interrupted; the last complete checkpoint is " + p + "; continue with: " + resume)
                    .orElse(trainer + ": interrupted before the first checkpoint; " + resume + " starts the run again from step 0");
        } catch (RuntimeException e) {
            return trainer + ": interrupted (" + e.getMessage() + "); " + resume + " resumes from the newest complete checkpoint";
        }
    }
}
