package jtrain.training.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.IoErrors;
import jtrain.training.finetune.FineTuneState;
import jtrain.training.finetune.FineTuner;
import jtrain.training.finetune.TaskExample;
import jtrain.training.tokenizer.BertTokenizer;

/**
 * The training part of a fine-tuning run in its output folder: from step 0, or from the latest checkpoint in
 * OUT/checkpoints, which it saves every saveEvery steps, when training ends and where the invocation stops. Each
 * checkpoint holds the fine-tuner's state (see {@link FineTuneState}), the model at that step and metrics.jsonl as it
 * was then, which a resume puts back, so lines a crashed invocation logged after it are logged again, once.
 */
public final class FineTuneRun {
    private FineTuneRun() {}

    /**
     * How this process takes part in the run.
     *
     * @param resume     continue from the latest checkpoint (from step 0 when there is none yet)
     * @param stopAfter  the last step this invocation trains (a checkpoint is saved there); Integer.MAX_VALUE for all
     * @param saveEvery  steps between checkpoints
     * @param keep       checkpoints kept (the newest)
     * @param afterStep  called after each step and its checkpoint (tests simulate crashes with it)
     */
    public record Invocation(boolean resume, int stopAfter, int saveEvery, int keep, Progress progress, FineTuner.StepHook afterStep) {}

    /** Trains tuner's model; the result says whether training has ended or the invocation stopped at stopAfter. */
    public static FineTuner.Result train(RunFolder folder, FineTuner tuner, BertTokenizer tokenizer, List<TaskExample> train,
                                         List<TaskExample> dev, Invocation inv) {
        Checkpointer checkpointer = new Checkpointer(folder.checkpoints(), inv.keep());
        FineTuneState state = tuner.newState(train, dev);
        int total = tuner.plannedSteps(train.size());
        if (inv.resume()) restore(folder, checkpointer, tuner, state, total, inv.progress());
        if (inv.stopAfter() <= state.step() && state.step() < total && !state.stoppedEarly()) {
            inv.progress().println("--stop-after " + inv.stopAfter() + " is not after the checkpoint's step " + state.step()
                    + ": nothing to train in this invocation");
        }
        FineTuner.StepHook hook = s -> {
            boolean last = s.step() == total || s.stoppedEarly() || s.step() == inv.stopAfter();
            if (s.step() % inv.saveEvery() == 0 || last) checkpointer.save(s, tuner.model(), tokenizer, List.of(folder.metrics()));
            inv.afterStep().afterStep(s);
        };
        try (MetricsLog metrics = new MetricsLog(folder.metrics(), inv.resume())) {
            return tuner.train(state, train, dev, metrics, inv.progress(), hook, inv.stopAfter());
        } catch (ArithmeticException e) {
            throw new ArithmeticException(e.getMessage() + "; " + checkpointer.latest()
                    .map(p -> "the last good checkpoint is " + p).orElse("no checkpoint was saved yet"));
        } catch (IOException e) {
            throw new UncheckedIOException(folder.metrics() + ": " + IoErrors.describe(e), e);
        }
    }

    /** Loads the latest checkpoint and puts its metrics.jsonl back; without one, the run starts again from step 0. */
    private static void restore(RunFolder folder, Checkpointer checkpointer, FineTuner tuner, FineTuneState state, int total,
                                Progress progress) {
        Optional<Path> latest = checkpointer.latest();
        if (latest.isEmpty()) {
            // Killed before its first checkpoint: step 0 is rebuilt from the seed and the --init folder exactly.
            progress.println("no checkpoint yet in " + checkpointer.dir() + ": starting again from step 0");
            folder.truncateMetrics(-1);
            return;
        }
        Path from = checkpointer.restore(state, tuner.model());
        Path metrics = from.resolve(RunFolder.METRICS);
        try {
            byte[] saved = Files.readAllBytes(metrics);
            // Normally the run's file is the checkpoint's copy and the lines a crash left after it; anything else was
            // deleted or cut short by hand, which the copy repairs: say so, since the user may wonder where it came from.
            String damage = !Files.exists(folder.metrics()) ? "was missing"
                    : startsWith(Files.readAllBytes(folder.metrics()), saved) ? null : "no longer held its lines up to step " + state.step() + " (cut short or edited)";
            AtomicFiles.write(folder.metrics(), saved);
            if (damage != null) {
                progress.println("note: " + folder.metrics() + " " + damage + ": its lines up to step " + state.step()
                        + " are put back from " + metrics + "; nothing is lost");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(metrics + ": " + IoErrors.describe(e), e);
        }
        boolean ended = state.step() >= total || state.stoppedEarly();
        progress.println("resuming from " + from + " (step " + state.step() + " of " + total
                + (ended ? ": training is complete; the best model is scored and saved)" : ")"));
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
