package jtrain.training.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jtrain.engine.Rng;
import jtrain.engine.io.IoErrors;
import jtrain.training.pretrain.DataOrder;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.pretrain.Pretrainer;
import jtrain.training.pretrain.TrainingState;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.StateDict;

/**
 * A pretraining run in a run folder: starts it (writing run_config.json and the tokenizer) or resumes it from its
 * latest checkpoint, trains, and checkpoints every saveEvery steps, at the last step and where the invocation stops.
 */
public final class PretrainRun {
    private PretrainRun() {}

    /**
     * The run_config.json field that identifies the held-out sequences ({@link DataOrder#fingerprint}), written when a
     * run with held-out text starts: a resume, or eval --held-out-of, finds out when that text has changed since.
     */
    public static final String HELD_OUT_FINGERPRINT = "held_out_fingerprint";

    /**
     * How this process takes part in the run.
     *
     * @param resume    continue from the latest checkpoint instead of starting
     * @param stopAfter the last step this invocation trains (a checkpoint is saved there); Integer.MAX_VALUE for all
     * @param afterStep called after each step and its checkpoint (tests simulate crashes with it)
     */
    public record Invocation(boolean resume, int stopAfter, Progress progress, Pretrainer.StepHook afterStep) {
        public static Invocation of(boolean resume, Progress progress) {
            return new Invocation(resume, Integer.MAX_VALUE, progress, s -> {});
        }
    }

    /** Trains; train and heldOut are the packed sequences (held-out may be empty: no evaluation). */
    public static Pretrainer.Summary run(RunFolder folder, PretrainConfig config, BertTokenizer tokenizer,
                                         List<int[]> train, List<int[]> heldOut, Invocation inv) {
        Checkpointer checkpointer = new Checkpointer(folder.checkpoints(), config.keep());
        if (inv.resume()) requireSameHeldOut(folder, heldOut); // also a clear error when the folder holds no run
        Optional<Path> checkpoint = inv.resume() ? checkpointer.latest() : Optional.empty();
        // The model is built exactly as at step 0 even when resuming, so parameters (and optimizer indices) line up.
        Rng dropoutRng = new Rng(config.seed() + 1);
        BertForMaskedLM model = initialModel(folder, config, tokenizer, inv.resume(), checkpoint, dropoutRng);
        if (!inv.resume()) start(folder, config.init() == null ? config : config.withInitSha256(StateDict.sha256(model)), tokenizer, heldOut);
        model.to(jtrain.cuda.Devices.select(config.device()));
        model.bert.setGradientCheckpointing(config.recompute());
        MlmBatch.Vocab vocab = MlmBatch.Vocab.of(tokenizer);
        Pretrainer pretrainer = new Pretrainer(model, vocab, config.options());
        TrainingState state = pretrainer.newState(train, dropoutRng);
        int linesBefore = 0; // metrics.jsonl's lines when training starts, counted on into each checkpoint
        if (inv.resume()) {
            if (checkpoint.isPresent()) {
                Path from = checkpointer.restore(state, model);
                inv.progress().println("resuming from " + from + " (step " + state.step + " of " + config.steps()
                        + (state.step >= config.steps() ? ": the run is complete, nothing is left to train; --steps N above "
                        + config.steps() + " extends it)" : ")"));
            } else {
                // Killed before its first checkpoint: step 0 is rebuilt from the seed (or the init folder) exactly, so start over.
                inv.progress().println("no checkpoint yet in " + checkpointer.dir() + ": starting again from step 0");
            }
            int kept = folder.truncateMetrics(state.step == 0 ? -1 : state.step); // step 0's evaluation (with --init) is made again
            String lost = lostMetricsNote(folder.metrics(), kept, state.metricsLines, state.step);
            if (lost != null) inv.progress().println(lost);
            linesBefore = Math.max(kept, 0);
            extendIfLonger(folder, config, state.step, inv.progress());
            if (inv.stopAfter() <= state.step && state.step < config.steps()) {
                inv.progress().println("--stop-after " + inv.stopAfter() + " is not after the checkpoint's step " + state.step
                        + ": nothing to train in this invocation");
            }
        }
        MlmEvaluator evaluator = heldOut.isEmpty() ? null : new MlmEvaluator(heldOut, vocab, config.masking(), MlmEvaluator.RUN_BATCH,
                MlmEvaluator.maskingSeed(config.seed()));
        int lines = linesBefore;
        try (MetricsLog metrics = new MetricsLog(folder.metrics(), inv.resume())) {
            Pretrainer.StepHook hook = s -> {
                if (s.step % config.saveEvery() == 0 || s.step == config.steps() || s.step == inv.stopAfter()) {
                    s.metricsLines = lines + metrics.written();
                    checkpointer.save(s, model, tokenizer);
                }
                inv.afterStep().afterStep(s);
            };
            if (config.init() != null && state.step == 0 && evaluator != null) {
                pretrainer.evaluate(evaluator, 0, metrics, inv.progress()); // where continual pretraining starts from
            }
            return pretrainer.train(state, train, evaluator, metrics, inv.progress(), hook, inv.stopAfter());
        } catch (ArithmeticException e) {
            throw new ArithmeticException(e.getMessage() + "; " + checkpointer.latest()
                    .map(p -> "the last good checkpoint is " + p).orElse("no checkpoint was saved yet"));
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(folder.metrics(), e), e);
        }
    }

    /**
     * The line a resume prints when metrics.jsonl no longer holds the lines the run had logged up to the checkpoint's
     * step (deleted, or cut short by hand): the run goes on, appending from the next step, but that history is gone.
     * kept: the lines found up to the step (-1: no file); recorded: those the checkpoint counted (-1: not counted,
     * an older checkpoint, so only a missing file is noticed). Null when nothing is lost.
     */
    static String lostMetricsNote(Path metrics, int kept, int recorded, int step) {
        boolean lost = step > 0 && (kept < 0 ? recorded != 0 : kept < recorded);
        if (!lost) return null;
        String logged = "logged up to step " + step;
        String found = kept < 0 ? "is missing: the metrics " + logged + (recorded > 0 ? " (" + recorded + " lines)" : "") + " are lost"
                : kept == 0 ? "is empty: the metrics " + logged + " (" + recorded + " lines) are lost"
                : "holds " + kept + " of the " + recorded + " lines " + logged + " (deleted or cut short): the other " + (recorded - kept) + " are lost";
        return "note: " + metrics + " " + found + "; the run goes on, logging from step " + (step + 1) + (kept < 0 ? " into a new file" : "");
    }

    /** A resumed run evaluates on the held-out sequences it started with (runs from before the fingerprint: unchecked). */
    private static void requireSameHeldOut(RunFolder folder, List<int[]> heldOut) {
        Object recorded = folder.readConfig().get(HELD_OUT_FINGERPRINT);
        String now = heldOut.isEmpty() ? "none" : DataOrder.fingerprint(heldOut);
        if (recorded != null && !recorded.equals(now)) {
            throw new IllegalArgumentException(folder.runConfig() + ": the run evaluated on other held-out text (fingerprint " + recorded
                    + ", now " + now + "); resume with the same corpus, tokenizer and --max-len");
        }
    }

    /**
     * The model at step 0: random weights from the seed, or the --init folder's. A run with --init resumed from a
     * checkpoint needs only the model's shape (the checkpoint's config.json), so the init folder may be gone by then;
     * resumed before its first checkpoint, it must still hold the weights the run started from.
     */
    private static BertForMaskedLM initialModel(RunFolder folder, PretrainConfig config, BertTokenizer tokenizer,
                                                boolean resume, Optional<Path> checkpoint, Rng dropoutRng) {
        if (config.init() == null) {
            return new BertForMaskedLM(config.bertConfig(tokenizer.vocab().size()), new Rng(config.seed()), dropoutRng);
        }
        if (checkpoint.isPresent()) {
            Checkpointer.verify(checkpoint.get()); // its config.json too, before it is read
            return new BertForMaskedLM(InitFolder.config(checkpoint.get()), new Rng(config.seed()), dropoutRng);
        }
        Path init = Path.of(config.init());
        InitFolder.requireFits(init, "the --init model", InitFolder.config(init), tokenizer, config.maxLen()); // a resume's; the load checks the weights
        BertForMaskedLM model = InitFolder.load(init, dropoutRng);
        if (resume) { // before the first checkpoint
            String recorded = PretrainConfig.fromJson(folder.readConfig(), folder.runConfig().toString()).initSha256();
            String now = StateDict.sha256(model);
            if (!now.equals(recorded)) {
                throw new IllegalArgumentException("the run has no checkpoint yet, so it starts again from --init " + init
                        + ", but its weights changed since the run started (SHA-256 " + now + ", recorded " + recorded + " in "
                        + folder.runConfig() + ")");
            }
        }
        return model;
    }

    /** The run_config.json field listing each extension of a run: the step it happened at and the steps before it. */
    public static final String EXTENSIONS = "extensions";

    /**
     * A resume with more --steps than the run was started with extends it: the learning-rate schedule becomes the one
     * of the new length from the next step on (as if planned so; the steps already trained followed the old one), and
     * run_config.json records the new length and, under "extensions", where the change happened.
     */
    private static void extendIfLonger(RunFolder folder, PretrainConfig config, int step, Progress progress) {
        Map<String, Object> saved = new LinkedHashMap<>(folder.readConfig());
        int before = ((Number) saved.get("steps")).intValue();
        if (config.steps() <= before) return;
        List<Object> extensions = new ArrayList<>(saved.get(EXTENSIONS) instanceof List<?> l ? l : List.of());
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("at_step", step);
        extension.put("steps_before", before);
        extensions.add(extension);
        saved.put("steps", config.steps());
        saved.put(EXTENSIONS, extensions);
        folder.writeConfig(saved);
        double lr = Pretrainer.schedule(config.options()).lr(step);
        progress.println(String.format("extending the run from %d to %d steps at step %d: the learning rate follows the %d-step "
                + "schedule from here (%.2e at step %d); recorded in %s", before, config.steps(), step, config.steps(), lr, step + 1,
                folder.runConfig()));
    }

    private static void start(RunFolder folder, PretrainConfig config, BertTokenizer tokenizer, List<int[]> heldOut) {
        if (folder.hasRun()) {
            throw new IllegalArgumentException(folder.dir() + " already holds a run; add --resume to continue it, or choose another --out");
        }
        Map<String, Object> j = config.toJson();
        if (!heldOut.isEmpty()) j.put(HELD_OUT_FINGERPRINT, DataOrder.fingerprint(heldOut));
        // The tokenizer first: run_config.json marks a started run, so a process killed in between leaves a folder
        // that is refused as holding files (delete it, start again), never a "run" that --resume cannot load.
        TokenizerFiles.save(tokenizer, folder.tokenizer());
        folder.writeConfig(j);
    }
}
