package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.run.InterruptNotice;
import jtrain.training.run.RunLock;
import jtrain.training.study.Study;
import jtrain.training.study.StudyData;
import jtrain.training.study.StudyPreset;
import jtrain.training.study.StudyReport;

/** {@code ./trainer study}: the pretraining-versus-fine-tuning study on the embedded datasets, with its report. */
public final class StudyCommand {
    static final String USAGE = """
            usage: ./trainer study [--preset quick|standard|full] [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
                                   [--out DIR] [--seed N] [--cache DIR] [--from DIR]
              Trains a WordPiece vocabulary and a BERT with masked-LM, fine-tunes POS tagging, genre classification and
              spam detection at several label budgets from the pretrained encoder and from scratch, measures forgetting
              and continual pretraining, and writes OUT/report.md, OUT/report.html, OUT/plots/*.png, OUT/summary.json.
              A rerun with the same OUT (and the same --preset and --seed) skips the finished parts.
              --seed seeds the pretraining and the masking; the fine-tuning seeds are the preset's.
              quick: about 9 minutes on 2 CPU cores; standard: about 40; full: BERT-mini for a GPU.""";

    private StudyCommand() {}

    public static int run(String[] args) throws IOException {
        return run(args, System.err);
    }

    /** Mistakes in the options or the data are one line on err and exit code 2, as in the other commands. */
    static int run(String[] args, PrintStream err) throws IOException {
        try {
            return parseAndRun(args);
        } catch (IllegalArgumentException | IllegalStateException | DataException | UncheckedIOException e) {
            Main.printError(err, "trainer study: " + e.getMessage(), e);
            return 2;
        }
    }

    private static int parseAndRun(String[] args) throws IOException {
        ArgList a = ArgList.optionsOnly(args, Set.of("--preset", "--device", "--precision", "--out", "--seed", "--cache", "--from"), Set.of(),
                "\n" + USAGE);
        if (a.help()) {
            System.out.println(USAGE);
            return 0;
        }
        long seed = a.longInteger("--seed", 1);
        StudyPreset p = StudyPreset.of(a.string("--preset", "quick")); // options first, then the device line
        jtrain.engine.Device target = jtrain.cuda.Devices.select(a.string("--device", "auto"));
        jtrain.cuda.Devices.setPrecision(target, a.string("--precision", "fp32"), System.err);
        Path out = a.has("--out") ? Path.of(a.string("--out", null)) : Path.of("runs", "study-" + p.name());
        System.out.println("study preset " + p.name() + " -> " + out);
        try (RunLock lock = RunLock.acquire(out, "study")) { // a rerun resumes from OUT: two at once would mix their parts
            return study(p, out, seed, target, a);
        }
    }

    private static int study(StudyPreset p, Path out, long seed, jtrain.engine.Device target, ArgList a) throws IOException {
        Study study = new Study(p, out, seed, System.out).on(target);
        study.requireUsableOut(); // before the data is fetched and read, which takes minutes the first time
        StudyData data = StudyData.load(DataCache.open(DataCache.defaultRoot(a.string("--cache", null))), a.string("--from", null), System.out);
        Map<String, Object> summary;
        try (var notice = InterruptNotice.install(System.err, () -> interrupted(p, out, seed))) {
            summary = study.run(data);
        }
        String table = new StudyReport(summary).write(out);
        System.out.println();
        System.out.println("report: " + out.resolve("report.md") + " and " + out.resolve("report.html"));
        System.out.println();
        System.out.println(table);
        return 0;
    }

    /**
     * The line printed when Ctrl-C stops the study: every finished unit is stored as it ends, so the same command
     * resumes it; only the unit in progress (a fine-tuning run, or a pretraining phase) is lost and run again.
     */
    static String interrupted(StudyPreset p, Path out, long seed) {
        return "trainer study: interrupted; " + Study.storedUnits(out) + " finished units are kept in " + out.resolve("results")
                + " (the one in progress is run again); resume with: ./trainer study --preset " + p.name() + " --seed " + seed + " --out " + out;
    }
}
