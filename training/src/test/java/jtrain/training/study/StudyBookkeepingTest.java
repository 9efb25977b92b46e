package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;

/**
 * What the study says about its own runs: the wall time of every invocation (an interrupted one too), that a rerun
 * resumes, compute per phase covering every run it trained, and how many dev evaluations picked each run's model.
 */
class StudyBookkeepingTest {
    @TempDir
    Path out;

    /** A log that stops the study, as Ctrl-C would, when it is about to print a line containing trigger. */
    static PrintStream stoppingAt(String trigger, ByteArrayOutputStream seen) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                seen.write(b);
                if (seen.toString(StandardCharsets.UTF_8).contains(trigger)) throw new IllegalStateException("stopped at " + trigger);
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anInterruptedInvocationKeepsTheTimeOfTheUnitsItStoredAndTheRerunSaysItResumes() throws Exception {
        // Stopped when the first genre run starts: pretraining and the four POS runs of the tiny grid are stored.
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        assertThrows(IllegalStateException.class,
                () -> new Study(StudyPipelineTest.tinyPreset(), out, 1, stoppingAt("== fine-tune ft-genre", first)).run(StudyPipelineTest.tinyData()));
        assertEquals(5, Study.storedUnits(out), "pretrain + 2 budgets x (pretrained, scratch) for POS");
        List<Object> times = (List<Object>) Json.readObject(out.resolve("results/wall-time.json")).get("invocations_seconds");
        assertEquals(1, times.size(), "the interrupted invocation is on record");
        double interrupted = ((Number) times.get(0)).doubleValue();
        assertTrue(interrupted > 0);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, Object> summary = new Study(StudyPipelineTest.tinyPreset(), out, 1, new PrintStream(log)).run(StudyPipelineTest.tinyData());
        assertTrue(log.toString().startsWith("resuming " + out + ": 5 finished units in " + out.resolve("results") + " are reused, the rest is run"),
                log.toString());
        assertFalse(log.toString().contains("masked-LM pretraining"), "the stored pretraining is reused");
        assertEquals(2, summary.get("invocations"));
        assertTrue(((Number) summary.get("study_seconds")).doubleValue() > interrupted, "the study's time includes the interrupted invocation's");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComputeTableCoversEveryRunTheStudyTrained() throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Map<String, Object> summary = new Study(StudyPipelineTest.tinyPreset(), out, 1, quiet).run(StudyPipelineTest.tinyData());
        new StudyReport(summary).write(out);
        // Every stored unit's FLOPs, fine-tuning runs (grid, forgetting variants, e-mail runs) and MLM phases alike.
        double flops = 0;
        int runs = 0;
        try (var files = Files.list(out.resolve("results"))) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("wall-time.json")).toList()) {
                flops += ((Number) Json.readObject(f).get("flops")).doubleValue();
                if (f.getFileName().toString().startsWith("ft-")) runs++;
            }
        }
        StudyStats st = new StudyStats(summary);
        List<StudyStats.Phase> phases = st.phases();
        assertEquals(List.of("MLM pretraining", "fine-tuning grid (12 runs)", "forgetting variants (4 runs)", "continual MLM on e-mail",
                "spam from the e-mail-adapted encoder (1 run)"), phases.stream().map(StudyStats.Phase::name).toList());
        // The tiny grid has no 10% budget, so the forgetting runs' full fine-tuning of genre at 10% is one of their own
        // (in the presets it is the grid's run, and the row holds frozen, hybrid and rehearsal).
        assertEquals(12 + 4 + 1, runs, "the grid, the four forgetting variants, spam at 50% from the e-mail encoder");
        assertEquals(flops, phases.stream().mapToDouble(StudyStats.Phase::flops).sum(), flops * 1e-12, "the rows add up to every run");

        String md = Files.readString(out.resolve("report.md"));
        for (StudyStats.Phase p : phases) assertTrue(md.contains("| " + p.name() + " | " + p.amount() + " | " + StudyReport.flops(p.flops()) + " |"), p.name());
        Map<String, Object> saved = Json.readObject(out.resolve("summary.json"));
        Map<String, Object> seconds = (Map<String, Object>) ((Map<String, Object>) saved.get("aggregates")).get("compute_seconds");
        assertEquals(phases.stream().map(StudyStats.Phase::name).toList(), new ArrayList<>(seconds.keySet()), "the plot's and summary's phases are the table's");
    }

    @Test
    void aRunIsEvaluatedOnDevEveryMaxTenAndAQuarterOfItsStepsAndAtTheLast() {
        assertEquals(3, Study.devEvaluations(30), "10, 20, 30: the quick preset's spam runs at 1% of the labels");
        assertEquals(4, Study.devEvaluations(40), "10, 20, 30, 40");
        assertEquals(4, Study.devEvaluations(116), "29, 58, 87, 116");
        assertEquals(4, Study.devEvaluations(120));
        assertEquals(5, Study.devEvaluations(50), "12, 24, 36, 48 and the last step, 50");
        assertEquals(1, Study.devEvaluations(6), "a run shorter than 10 steps: at its last step only");
    }

    @Test
    void aFolderThatHoldsOtherFilesIsNotMadeAStudysFolder() throws Exception {
        Files.writeString(out.resolve("notes.txt"), "keep me");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Study(StudyPipelineTest.tinyPreset(), out, 1, quiet).run(StudyPipelineTest.tinyData()));
        assertEquals("--out " + out + " already holds files (notes.txt) but no study (no study.json): choose a new folder, or delete it first",
                e.getMessage());
        try (var files = Files.list(out)) {
            assertEquals(List.of("notes.txt"), files.map(f -> f.getFileName().toString()).toList(), "nothing written beside it");
        }
    }
}
