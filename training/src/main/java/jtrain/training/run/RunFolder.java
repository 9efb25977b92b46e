package jtrain.training.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;

/**
 * A training run's folder: run_config.json (every option, to resume or reproduce the run), metrics.jsonl (one line
 * per log or evaluation step), tokenizer/ (the run's tokenizer) and checkpoints/ (see {@link Checkpointer}).
 */
public record RunFolder(Path dir) {
    public static final String RUN_CONFIG = "run_config.json";
    public static final String METRICS = "metrics.jsonl";

    public Path runConfig() {
        return dir.resolve(RUN_CONFIG);
    }

    public Path metrics() {
        return dir.resolve(METRICS);
    }

    public Path tokenizer() {
        return dir.resolve("tokenizer");
    }

    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    public boolean hasRun() {
        return Files.exists(runConfig());
    }

    /** The "run" field of run_config.json ("finetune" for a fine-tuning run's), or null: none, or unreadable. */
    public Object runKind() {
        if (!hasRun()) return null;
        try {
            return readConfig().get("run");
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return null; // unreadable: the caller's "already holds files" names it
        }
    }

    /**
     * The first few names (sorted) in the folder besides a lock file, which a finished process leaves behind and
     * which does not count (see RunLock); empty when the folder is empty or does not exist.
     */
    public List<String> filesBesidesLock(int limit) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(RunLock.FILE)).sorted().limit(limit).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(dir, e), e);
        }
    }

    public void writeConfig(Map<String, Object> config) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + IoErrors.describe(dir, e), e);
        }
        writeAtomically(runConfig(), Json.writePretty(config).getBytes(StandardCharsets.UTF_8));
    }

    public Map<String, Object> readConfig() {
        if (!hasRun()) throw new IllegalArgumentException(dir + " holds no run to resume (no " + RUN_CONFIG + ")");
        try {
            return Json.readObject(runConfig());
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(runConfig(), e), e);
        }
    }

    /**
     * Drops the metrics lines after the given step: a run that crashed after its last checkpoint logged steps that the
     * resumed run will log again. A torn last line (killed mid-write) is dropped too. Returns the lines kept, -1 when
     * there is no metrics.jsonl.
     */
    public int truncateMetrics(int lastStep) {
        Path f = metrics();
        if (!Files.exists(f)) return -1;
        try {
            List<String> keep = new ArrayList<>();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                Object step;
                try {
                    step = Json.parseObject(line, f.toString()).get("step");
                } catch (IllegalArgumentException torn) {
                    continue;
                }
                if (step instanceof Number n && n.longValue() <= lastStep) keep.add(line);
            }
            byte[] bytes = keep.isEmpty() ? new byte[0] : (String.join("\n", keep) + "\n").getBytes(StandardCharsets.UTF_8);
            writeAtomically(f, bytes);
            return keep.size();
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(f, e), e);
        }
    }

    /** Replaces the file's content all at once (temporary file, fsync, rename). */
    static void writeAtomically(Path file, byte[] bytes) {
        AtomicFiles.write(file, bytes);
    }
}
