package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jtrain.engine.io.IoErrors;
import jtrain.training.finetune.FineTuner;
import jtrain.training.run.Checkpointer;
import jtrain.training.run.RunFolder;
import jtrain.training.run.StateJson;

/**
 * A fine-tuning run resumed with a larger --steps or --epochs is extended, as a pretraining run is: from its latest
 * checkpoint on, the learning rate follows the linear schedule of the new length, whose warm-up stays that of the
 * first plan (it does not start again), and run_config.json records the new length and, under "extensions", the step
 * where it changed and the planned steps before. A finished run is reopened: its results.json is kept as
 * results-step-N.json (N: the steps it had planned), and model/ is replaced when the extended run ends. A run that
 * stopped early is not extended: its dev score had stopped improving, and training on would need another --patience,
 * which makes it another run.
 */
final class FinetuneExtension {
    /** The run_config.json field listing each extension: the step it happened at and the planned steps before it. */
    static final String EXTENSIONS = "extensions";

    private FinetuneExtension() {}

    /**
     * The planned steps the warm-up of c's run is a fraction of: those of its first plan once it is extended (or being
     * extended now), else 0, the run's own.
     */
    static int warmupOfSteps(FinetuneConfig c, int stepsPerEpoch) {
        List<Map<String, Object>> extensions = c.extensions();
        if (!extensions.isEmpty()) return ((Number) extensions.getFirst().get("steps_before")).intValue();
        return c.lengthChanged() ? savedPlan(c, stepsPerEpoch) : 0;
    }

    /**
     * Checks and records the extension config asks for (a resume giving --epochs or --steps another value) of the run
     * in folder; job holds its training examples and fine-tuner. Refused, with nothing changed: fewer or as many steps
     * as planned, and a run that stopped early (or had used up its patience when it ended). Returns false, with
     * nothing changed either, when stopAfter leaves this invocation nothing to train.
     */
    static boolean apply(RunFolder folder, FinetuneConfig config, FinetuneJob job, int stopAfter, PrintStream log) {
        FineTuner tuner = job.tuner();
        int trainSize = job.train().size();
        int before = savedPlan(config, tuner.stepsPerEpoch(trainSize)), after = tuner.plannedSteps(trainSize);
        String given = given(config);
        if (after < before) {
            throw new IllegalArgumentException(given + " makes " + after + " steps, below the run's " + before + " (" + folder.runConfig()
                    + "): a resumed run can be extended, not shortened; --stop-after N ends this invocation at step N");
        }
        if (after == before) {
            Object steps = config.savedValue("--steps");
            throw new IllegalArgumentException(given + " leaves the run at its " + before + " planned steps (" + folder.runConfig()
                    + (steps != null ? "; its --steps " + steps + " wins over --epochs): give --steps above " + steps + " to extend it"
                    : "): give more steps or epochs to extend it"));
        }
        int step = requireNotStoppedEarly(folder, config.integer("--patience"));
        if (stopAfter <= step) {
            log.println("--stop-after " + stopAfter + " is not after the checkpoint's step " + step
                    + ": nothing to train in this invocation, so the run is not extended");
            return false;
        }

        String reopened = "";
        Path results = FinetuneCommand.results(folder);
        if (Files.exists(results)) {
            Path kept = folder.dir().resolve("results-step-" + before + ".json");
            try {
                Files.move(results, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reopen the finished run: " + IoErrors.describe(results, e), e);
            }
            reopened = "; the finished run's results are kept in " + kept + ", and " + folder.dir().resolve("model")
                    + " is replaced when the extended run ends";
        }
        Map<String, Object> saved = new LinkedHashMap<>(folder.readConfig());
        for (String option : FinetuneConfig.LENGTH) saved.put(option.substring(2), config.value(option));
        List<Object> extensions = new ArrayList<>(config.extensions());
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("at_step", step);
        extension.put("steps_before", before);
        extensions.add(extension);
        saved.put(EXTENSIONS, extensions);
        folder.writeConfig(saved);
        log.println(String.format("extending the run from %d to %d steps at step %d: the learning rate follows the %d-step schedule "
                + "from here (%.2e at step %d; the warm-up stays that of the %d-step plan); recorded in %s%s", before, after, step, after,
                tuner.schedule(after).lr(step), step + 1, warmupOfSteps(config, tuner.stepsPerEpoch(trainSize)), folder.runConfig(),
                reopened));
        return true;
    }

    /**
     * The step of the latest checkpoint (0 without one), refusing a run whose early stopping ended it, or whose dev
     * score had not improved for patience evaluations when it ended: a run planned longer would have stopped there.
     */
    private static int requireNotStoppedEarly(RunFolder folder, int patience) {
        Optional<Path> latest = new Checkpointer(folder.checkpoints(), 1).latest();
        if (latest.isEmpty()) return 0;
        String source = latest.get().resolve(Checkpointer.STATE_JSON).toString();
        Map<String, Object> state = Checkpointer.verify(latest.get());
        int step = StateJson.number(state, "step", source).intValue();
        Map<String, Object> early = StateJson.object(state, "early_stopping", source);
        if (Boolean.TRUE.equals(early.get("stopped"))) {
            throw new IllegalArgumentException(folder.dir() + ": the run stopped early at step " + step + " (its best dev score is step "
                    + early.get("best_step") + "'s), so it is not extended: training on would need another --patience, which makes it "
                    + "a new run (start one with a larger --patience, or --patience 0)");
        }
        int sinceBest = StateJson.number(early, "since_best", source).intValue();
        if (patience > 0 && sinceBest >= patience) {
            throw new IllegalArgumentException(folder.dir() + ": the run ended at step " + step + " with no dev improvement in its last "
                    + sinceBest + " evaluations (its best is step " + early.get("best_step") + "'s, --patience " + patience + "): a run planned "
                    + "longer would have stopped early there, so it is not extended (start a new run with a larger --patience, or --patience 0)");
        }
        return step;
    }

    /** The planned steps of the run as saved: --steps when given, else --epochs passes. */
    private static int savedPlan(FinetuneConfig c, int stepsPerEpoch) {
        Object steps = c.savedValue("--steps");
        return FineTuner.plannedSteps(steps == null ? 0 : ((Number) steps).intValue(), ((Number) c.savedValue("--epochs")).intValue(),
                stepsPerEpoch);
    }

    /** The length options given anew, as typed: "--epochs 5", "--steps 48". */
    private static String given(FinetuneConfig c) {
        List<String> parts = new ArrayList<>();
        for (String option : FinetuneConfig.LENGTH) {
            if (!String.valueOf(c.value(option)).equals(String.valueOf(c.savedValue(option)))) parts.add(option + " " + c.value(option));
        }
        return String.join(" and ", parts);
    }
}
