package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.data.Document;
import jtrain.training.data.Split;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;
import jtrain.training.finetune.TaskData;

/** The whole study pipeline on tiny synthetic slices: report, plots and summary exist and agree with the runs' files. */
class StudyPipelineTest {
    @TempDir
    Path out;

    static final String[] NOUNS = {"whale", "ship", "sea", "captain", "money", "offer", "report", "city"};
    static final String[] VERBS = {"sails", "sees", "buys", "sends", "wins", "reads"};

    static String sentence(Rng r) {
        return "the " + NOUNS[r.nextInt(NOUNS.length)] + " " + VERBS[r.nextInt(VERBS.length)] + " a " + NOUNS[r.nextInt(NOUNS.length)] + " .";
    }

    static StudyData tinyData() {
        Rng r = new Rng(5);
        List<Document> pre = new ArrayList<>(), held = new ArrayList<>(), mail = new ArrayList<>();
        for (int i = 0; i < 40; i++) pre.add(new Document("p" + i, "synthetic", sentence(r) + " " + sentence(r) + " " + sentence(r)));
        for (int i = 0; i < 8; i++) held.add(new Document("h" + i, "synthetic", sentence(r) + " " + sentence(r)));
        for (int i = 0; i < 10; i++) mail.add(new Document("m" + i, "synthetic", "win money now " + sentence(r)));
        Map<String, TaskData> tasks = new LinkedHashMap<>();
        Map<Split, List<TaggedSentence>> pos = new EnumMap<>(Split.class);
        Map<Split, List<TextExample>> genre = new EnumMap<>(Split.class), spam = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<TaggedSentence> ps = new ArrayList<>();
            List<TextExample> gs = new ArrayList<>(), ss = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String[] w = sentence(r).split(" ");
                ps.add(new TaggedSentence(s + "d" + i, List.of(w), List.of("DET", "NOUN", "VERB", "DET", "NOUN", ".")));
                boolean sea = i % 2 == 0;
                gs.add(new TextExample(s + "g" + i, (sea ? "the whale sails the sea . " : "the city reads a report . ") + sentence(r), null, sea ? "fiction" : "news"));
                ss.add(new TextExample(s + "s" + i, (sea ? "win money now " : "meeting notes ") + sentence(r), null, sea ? "spam" : "ham"));
            }
            pos.put(s, ps);
            genre.put(s, gs);
            spam.put(s, ss);
        }
        tasks.put("pos", TaskData.ofTagged("pos", pos));
        tasks.put("genre", TaskData.ofTexts("genre", genre));
        tasks.put("spam", TaskData.ofTexts("spam", spam));
        return new StudyData(pre, held, mail, tasks);
    }

    static StudyPreset tinyPreset() {
        return new StudyPreset("test", "1,16,2,32", 120, 24, 12, 8, 1e-3, List.of(0.5, 1.0), 6, 1, 8, 1e-3, 16, 4, List.of(1L));
    }

    @Test
    @SuppressWarnings("unchecked")
    void producesAReportPlotsAndASummaryThatMatchTheRuns() throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Map<String, Object> summary = new Study(tinyPreset(), out, 1, quiet).run(tinyData());
        String table = new StudyReport(summary).write(out);

        assertTrue(table.startsWith("| Learning method | Data requirements | Computational cost | Task-specific knowledge | Transfer learning | Risk of catastrophic forgetting |"));
        for (String f : List.of("report.md", "report.html", "summary.json", "plots/pretraining-loss.png", "plots/budget-pos.png",
                "plots/budget-genre.png", "plots/budget-spam.png", "plots/gains.png", "plots/forgetting.png", "plots/compute.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(out.resolve("report.html")).contains("data:image/png;base64,"), "plots embedded in the HTML");
        // The overall gain comes with the spread of the task × budget cells it averages (3 tasks × 2 budgets, 1 seed here).
        StudyStats stats = new StudyStats(summary);
        double[] cellGains = stats.cellGains();
        assertEquals(6, cellGains.length);
        assertEquals(stats.meanGain(), java.util.Arrays.stream(cellGains).average().orElseThrow(), 1e-12, "the mean of the cells");
        assertTrue(table.contains(String.format("| %+.3f mean test-score gain it gives fine-tuning (%+.3f to %+.3f over the 6 task × "
                + "label-budget cells, 1 seed each) |", stats.meanGain(), java.util.Arrays.stream(cellGains).min().orElseThrow(),
                java.util.Arrays.stream(cellGains).max().orElseThrow())), table);

        Map<String, Object> saved = Json.parseObject(Files.readString(out.resolve("summary.json")), "summary.json");
        List<Object> runs = (List<Object>) saved.get("finetune");
        assertEquals(3 * 2 * 2, runs.size(), "3 tasks x 2 budgets x (pretrained, scratch)");
        assertEquals(9, ((List<Object>) saved.get("claims")).size());
        for (Object o : (List<Object>) saved.get("claims")) {
            assertTrue(List.of("supported", "not supported", "mixed").contains(((Map<String, Object>) o).get("verdict")));
        }

        // The pretraining loss curve in the summary is the one in the run's metrics.jsonl.
        List<String> lines = Files.readAllLines(out.resolve("pretrain/metrics.jsonl"));
        List<Double> logged = new ArrayList<>();
        for (String l : lines) {
            Map<String, Object> m = Json.parseObject(l, "metrics.jsonl");
            if (m.containsKey("loss")) logged.add(((Number) m.get("loss")).doubleValue());
        }
        List<Object> curve = (List<Object>) ((Map<String, Object>) saved.get("pretraining")).get("loss_curve");
        assertEquals(logged.size(), curve.size());
        for (int i = 0; i < curve.size(); i++) assertEquals(logged.get(i), ((Number) ((List<Object>) curve.get(i)).get(1)).doubleValue(), 1e-12);

        // Each fine-tuning run left its metrics file, ending with the test score the report shows.
        for (Object o : runs) {
            Map<String, Object> r = (Map<String, Object>) o;
            String name = "ft-" + r.get("task") + "-" + Study.budgetName(((Number) r.get("budget")).doubleValue()) + "-" + r.get("init") + "-full-s1";
            List<String> log = Files.readAllLines(out.resolve("finetune").resolve(name).resolve("metrics.jsonl"));
            Map<String, Object> last = Json.parseObject(log.getLast(), name);
            assertEquals(((Number) r.get("test_macro_f1")).doubleValue(), ((Number) last.get("test_macro_f1")).doubleValue(), 0, name);
        }

        // Every score in the report carries its bootstrap interval from summary.json; the gain its paired one.
        Map<String, Object> values = (Map<String, Object>) ((Map<String, Object>) saved.get("intervals")).get("values");
        Map<String, Object> pos = (Map<String, Object>) values.get(StudyIntervals.score("pos", 0.5, "pretrained"));
        Map<String, Object> gain = (Map<String, Object>) values.get(StudyIntervals.gain("pos", 0.5));
        String md = Files.readString(out.resolve("report.md"));
        String row = String.format("| pos (accuracy) | 50%% | 12 | %.3f [%.3f, %.3f] |", ((Number) pos.get("estimate")).doubleValue(),
                ((Number) pos.get("lo")).doubleValue(), ((Number) pos.get("hi")).doubleValue());
        assertTrue(md.contains(row), row + " in\n" + md);
        assertTrue(md.contains(String.format("| %+.3f [%+.3f, %+.3f] |", ((Number) gain.get("estimate")).doubleValue(),
                ((Number) gain.get("lo")).doubleValue(), ((Number) gain.get("hi")).doubleValue())), "the paired interval of the gain");
        assertEquals(Boolean.TRUE, gain.get("same_test_set"), "pretrained and scratch are scored on the same test examples");
        // The bag-of-words baseline of each cell (3 tasks x 2 budgets, 1 seed) ends the row: its score, and pretrained minus it.
        assertEquals(6, ((List<?>) saved.get("baselines")).size());
        Map<String, Object> baseline = (Map<String, Object>) values.get(StudyIntervals.score("pos", 0.5, Study.BASELINE));
        Map<String, Object> over = (Map<String, Object>) values.get(StudyIntervals.overBaseline("pos", 0.5));
        assertTrue(md.contains(String.format("| %.3f [%.3f, %.3f] | %+.3f [%+.3f, %+.3f] |%n", ((Number) baseline.get("estimate")).doubleValue(),
                ((Number) baseline.get("lo")).doubleValue(), ((Number) baseline.get("hi")).doubleValue(), ((Number) over.get("estimate")).doubleValue(),
                ((Number) over.get("lo")).doubleValue(), ((Number) over.get("hi")).doubleValue())), "the baseline's columns\n" + md);
        assertEquals(Boolean.TRUE, over.get("same_test_set"), "the baseline is scored on the fine-tuning runs' test examples");
        assertTrue(table.contains("| No network: naive Bayes / most frequent tag (baseline) |"), "the baseline's row of the comparison\n" + table);
        assertTrue(md.matches("(?s).*ahead of the baseline in \\d of the 6 task x budget cells, behind it in \\d and level in \\d.*"), "the tally");
        assertTrue(md.contains("only when its paired interval excludes zero"), "the rule is stated");
        // A difference carries its bootstrap p-value, a score none; next to the intervals, the Holm decisions of each
        // family a claim counts, so the verdicts can be checked from summary.json alone.
        assertTrue(((Number) gain.get("p")).doubleValue() > 0, "p of the gain " + gain);
        assertFalse(pos.containsKey("p"), "no p-value for a score: " + pos);
        Map<String, Object> holm = (Map<String, Object>) ((Map<String, Object>) saved.get("intervals")).get("holm");
        assertEquals(List.of("method", Claims.GAINS, Claims.RISES, Claims.SCARCITY, Claims.MITIGATIONS, Claims.CONTINUAL, Claims.ACROSS_CLAIMS),
                List.copyOf(holm.keySet()));
        // The same families under one correction across all claims, and each claim's verdict with it.
        Map<String, Object> across = (Map<String, Object>) holm.get(Claims.ACROSS_CLAIMS);
        assertEquals(List.of("method", Claims.GAINS, Claims.RISES, Claims.SCARCITY, Claims.MITIGATIONS, Claims.CONTINUAL), List.copyOf(across.keySet()));
        for (Object c : (List<Object>) saved.get("claims")) {
            assertTrue(List.of("supported", "mixed", "not supported").contains(((Map<String, Object>) c).get("verdict_across_claims")), c.toString());
        }
        assertTrue(md.contains("**One correction across all claims.**"), md);
        List<Object> cells = (List<Object>) ((Map<String, Object>) holm.get(Claims.GAINS)).get("comparisons");
        assertEquals(6, cells.size(), "3 tasks x 2 budgets");
        Map<String, Object> first = (Map<String, Object>) cells.get(0);
        assertEquals(StudyIntervals.gain("pos", 0.5), first.get("interval"));
        assertEquals(gain.get("p"), first.get("p"));
        assertTrue(md.contains("after Holm's correction over the 6"), "the evidence gives the corrected count");
        // Held-out MLM losses get intervals too: forgetting after full fine-tuning, and continual pretraining's cost.
        for (String name : List.of(StudyIntervals.forgetting("full"), StudyIntervals.forgettingVsFull("frozen"), StudyIntervals.CONTINUAL_GENERAL_MLM)) {
            Map<String, Object> i = (Map<String, Object>) values.get(name);
            assertEquals(Boolean.TRUE, i.get("same_test_set"), name + ": both encoders scored on the same held-out sequences");
            String range = String.format("[%+.3f, %+.3f]", ((Number) i.get("lo")).doubleValue(), ((Number) i.get("hi")).doubleValue());
            assertTrue(md.contains(range), name + " " + range + " in the report");
        }
        assertFalse(Json.write(saved).contains(Study.MLM_UNITS), "per-sequence losses stay in the runs' results");
        // The per-example predictions stay in the runs' results, out of summary.json.
        assertFalse(Json.write(saved).contains(Study.TEST_UNITS));
        Path stored = out.resolve("results/ft-spam-50pct-scratch-full-s1.json");
        assertTrue(Files.readString(stored).contains(Study.TEST_UNITS));

        // A rerun reuses every stored result: same numbers. Other settings in the same folder are refused.
        Map<String, Object> again = new Study(tinyPreset(), out, 1, quiet).run(tinyData());
        assertEquals(Json.write(summary.get("finetune")), Json.write(again.get("finetune")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Study(tinyPreset(), out, 7, quiet).run(tinyData()));
        assertTrue(e.getMessage().contains("holds a study with other settings"), e.getMessage());
        assertEquals(1L, ((Number) saved.get("study_seed")).longValue());

        // A run stored by a version without per-example predictions is run again (the pretrained encoder is kept).
        Map<String, Object> old = Json.parseObject(Files.readString(stored), stored.toString());
        old.remove(Study.TEST_UNITS);
        Files.writeString(stored, Json.writePretty(old));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, Object> redone = new Study(tinyPreset(), out, 1, new PrintStream(log)).run(tinyData());
        assertTrue(log.toString().contains("ft-spam-50pct-scratch-full-s1: stored without per-example test predictions (an older version), running it again"),
                log.toString());
        assertFalse(log.toString().contains("masked-LM pretraining"), "pretraining is reused");
        assertTrue(Files.readString(stored).contains(Study.TEST_UNITS));
        assertEquals(Json.write(again.get("intervals")), Json.write(redone.get("intervals")), "the same run again gives the same predictions");
        assertTrue(Files.readString(out.resolve("report.md")).contains("One fine-tuning seed"), "the single-seed caveat");
    }
}
