package jtrain.training.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jtrain.engine.io.Folders;
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;
import jtrain.engine.io.Safetensors;
import jtrain.engine.io.Sha256;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertTask;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.StateDict;

/**
 * Saves and restores checkpoints in RUN/checkpoints. Each {@code step-N} folder is a Hugging Face model folder
 * (config.json, model.safetensors, vocab.txt, tokenizer.json, ...) plus the trainer's {@link CheckpointState}:
 * trainer_state.safetensors (optimizer moments) and trainer_state.json (step, rng states, data position, a SHA-256 of
 * these fields, and the size and SHA-256 of every other file, so corruption or truncation is found on load), and
 * copies of any run files asked for (fine-tuning's metrics.jsonl). The file {@code latest} names the newest complete one.
 *
 * <p>A checkpoint is built in a hidden temporary folder, every file is forced to disk, the folder is renamed into
 * place and only then is {@code latest} replaced (atomically). A process killed at any moment therefore leaves
 * {@code latest} naming a complete checkpoint, and a failed save leaves the previous one untouched.
 */
public final class Checkpointer {
    public static final String STATE_JSON = "trainer_state.json";
    public static final String STATE_TENSORS = "trainer_state.safetensors";
    public static final String LATEST = "latest";
    private static final String PREFIX = "step-";
    /**
     * Held while a checkpoint is written (by any checkpointer of the process), so a shutdown hook can wait for the
     * save in flight and then name the checkpoint a resume will use.
     */
    private static final ReentrantLock SAVING = new ReentrantLock();
    /**
     * Set by {@link #stopSaves} when a signal ends the process: the line naming the latest checkpoint is printed then,
     * and a save begun between that line and the JVM's halt would make it name an older checkpoint than --resume uses.
     */
    private static volatile boolean stopped;
    private static final CountDownLatch NEVER = new CountDownLatch(1);
    static final AtomicInteger PARKED = new AtomicInteger(); // for tests

    /** Sees every file of a checkpoint once written; tests use it to make a write fail as a full disk would. */
    @FunctionalInterface
    interface FileHook {
        void written(Path file) throws IOException;
    }

    private final Path dir;
    private final int keep;
    private final FileHook hook;

    public Checkpointer(Path dir, int keep) {
        this(dir, keep, f -> {});
    }

    Checkpointer(Path dir, int keep, FileHook hook) {
        if (keep < 1) throw new IllegalArgumentException("must keep at least one checkpoint, not " + keep);
        this.dir = dir;
        this.keep = keep;
        this.hook = hook;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The checkpoint {@code latest} names, if any. Without the pointer (deleted, or a run killed between its first
     * checkpoint's rename and the pointer's write) the newest step-N folder; resuming verifies it like any other.
     */
    public Optional<Path> latest() {
        Path pointer = dir.resolve(LATEST);
        if (!Files.exists(pointer)) {
            List<Path> present = checkpoints();
            return present.isEmpty() ? Optional.empty() : Optional.of(present.getLast());
        }
        try {
            String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            if (!name.matches(PREFIX + "\\d+")) {
                throw new IllegalStateException(pointer + ": does not name a checkpoint ('" + name + "'); delete " + pointer
                        + " to use the newest checkpoint (" + checkpoints().stream().map(p -> p.getFileName().toString()).toList() + ")");
            }
            if (!Files.isDirectory(dir.resolve(name))) {
                // Deleted by hand: the pointer is only a shortcut, so say how to fall back to the checkpoints left.
                throw new IllegalStateException(pointer + " names " + name + ", which is not in " + dir + "; delete " + pointer
                        + " to use the newest checkpoint left (" + checkpoints().stream().map(p -> p.getFileName().toString()).toList() + ")");
            }
            return Optional.of(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(pointer, e), e);
        }
    }

    /**
     * Runs what (typically: reads {@link #latest()}) once no checkpoint is being written in this process, waiting at
     * most the given seconds for a save in flight to finish; after that it runs anyway (a half-done save leaves the
     * previous checkpoint intact, so latest() is still right). A save that starts meanwhile waits for it.
     */
    public static <T> T afterSaveInFlight(double maxWaitSeconds, Supplier<T> what) {
        boolean locked = false;
        try {
            locked = SAVING.tryLock((long) (maxWaitSeconds * 1e3), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return what.get();
        } finally {
            if (locked) SAVING.unlock();
        }
    }

    /**
     * For a shutdown hook, before it names the latest checkpoint: waits at most the given seconds for a save in flight,
     * then makes every later save of this process wait for the halt without writing anything.
     */
    public static void stopSaves(double maxWaitSeconds) {
        afterSaveInFlight(maxWaitSeconds, () -> stopped = true);
    }

    /** Lets saves run again after {@link #stopSaves}, for tests that run in one JVM. */
    static void resumeSaves() {
        stopped = false;
    }

    /** Saves the state after its step; returns the checkpoint folder. */
    public Path save(CheckpointState state, BertTask model, BertTokenizer tokenizer) {
        return save(state, model, tokenizer, List.of());
    }

    /**
     * Saves the state after its step with a copy of each of runFiles as it is now (by file name; verified on load
     * like the others), so a resumed run can put back what they held at this step. Returns the checkpoint folder.
     */
    public Path save(CheckpointState state, BertTask model, BertTokenizer tokenizer, List<Path> runFiles) {
        state.settle(); // a step whose loss is not finite throws here, before anything is written
        SAVING.lock();
        try {
            if (stopped) waitForHalt();
            return write(state, model, tokenizer, runFiles);
        } finally {
            SAVING.unlock();
        }
    }

    /** The process is ending after a signal: park (holding the save lock) until the JVM halts. */
    private static void waitForHalt() {
        PARKED.incrementAndGet();
        try {
            NEVER.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the process is ending after a signal: no checkpoint is saved after the line naming the latest");
    }

    private Path write(CheckpointState state, BertTask model, BertTokenizer tokenizer, List<Path> runFiles) {
        String name = PREFIX + state.step();
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            HfCheckpoint.save(model, tmp);
            TokenizerFiles.save(tokenizer, tmp, model.config.maxPositionEmbeddings());
            Safetensors.write(tmp.resolve(STATE_TENSORS), state.tensors(), Map.of("format", "jtrain-trainer-state"));
            for (Path f : runFiles) Files.copy(f, tmp.resolve(f.getFileName()));
            Map<String, Object> json = state.toJson();
            json.put("state_sha256", Sha256.of(Json.write(json)));
            json.put("files", syncAndDescribe(tmp));
            RunFolder.writeAtomically(tmp.resolve(STATE_JSON), Json.writePretty(json).getBytes(StandardCharsets.UTF_8));
            hook.written(tmp.resolve(STATE_JSON));
            sync(tmp);
            replaceDirectory(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            String previous = latest().map(p -> "; the last complete checkpoint " + p + " is intact").orElse("");
            // The files were written in a hidden folder renamed to target when complete: name them by target, once.
            String why = message(e).replace(tmp.toString(), target.toString());
            String what = why.contains(target.toString()) ? "could not save a checkpoint: " : "could not save checkpoint " + target + ": ";
            throw new CheckpointException(what + why + previous, e);
        }
        try {
            RunFolder.writeAtomically(dir.resolve(LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) { // the pointer is written atomically: it still names the previous checkpoint
            throw new CheckpointException("checkpoint " + target + " is complete, but " + message(e) + "; --resume uses the checkpoint "
                    + LATEST + " named before (or, without one, the newest); delete " + dir.resolve(LATEST) + " to resume from " + name, e);
        }
        prune();
        return target;
    }

    /**
     * Loads the latest checkpoint into a model and a fresh state of the same run (built as for step 0), after checking
     * every file against its recorded size and checksum. Returns the checkpoint folder.
     */
    public Path restore(CheckpointState state, BertTask model) {
        Path cp = latest().orElseThrow(() -> new CheckpointException("no checkpoint to resume from in " + dir, null));
        Map<String, Object> json;
        try {
            json = verify(cp);
            StateDict.load(model, Safetensors.read(cp.resolve(HfCheckpoint.WEIGHTS))).requireExact(cp.resolve(HfCheckpoint.WEIGHTS).toString());
        } catch (CheckpointException | IllegalArgumentException e) { // damaged, or another model's: an older one may do
            throw new CheckpointException(e.getMessage() + olderIntact(cp), e);
        }
        try {
            state.restore(json, Safetensors.read(cp.resolve(STATE_TENSORS)), cp.resolve(STATE_JSON).toString());
        } catch (IllegalArgumentException e) { // other data or options: an older checkpoint of the run has them too
            throw new CheckpointException(e.getMessage(), e);
        }
        return cp;
    }

    /**
     * For an error about checkpoint cp: the newest older checkpoint whose files verify, and how to resume from it
     * (resume never skips a damaged checkpoint by itself: the steps after the older one would be trained again
     * without anyone deciding so); or that none is intact. Empty when cp is the only checkpoint.
     */
    private String olderIntact(Path cp) {
        List<Path> older = checkpoints().stream().filter(p -> stepOf(p) < stepOf(cp)).toList().reversed();
        if (older.isEmpty()) return "";
        List<Path> damaged = new ArrayList<>(); // between cp and the intact one: to be moved away too
        for (Path p : older) {
            try {
                verify(p);
            } catch (CheckpointException e) {
                damaged.add(p);
                continue;
            }
            Path pointer = dir.resolve(LATEST);
            String also = damaged.isEmpty() ? "" : " and " + String.join(" and ", damaged.stream().map(Path::toString).toList()) + " (damaged too)";
            return "; the older checkpoint " + p + " is intact: to resume from it (the steps after " + stepOf(p) + " are trained again), move "
                    + cp + also + " out of " + dir + (Files.exists(pointer) ? " and delete " + pointer : "");
        }
        return "; no older checkpoint in " + dir + " is intact either " + older.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** The checkpoint's trainer_state.json, once every file it lists has its recorded size and SHA-256. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> verify(Path cp) {
        Path stateFile = cp.resolve(STATE_JSON);
        Map<String, Object> json;
        try {
            json = Json.readObject(stateFile);
        } catch (IOException e) {
            throw new CheckpointException(IoErrors.describe(stateFile, e) + " (the checkpoint is incomplete or corrupted)", e);
        } catch (IllegalArgumentException e) { // malformed JSON: the message starts with stateFile:LINE:COLUMN
            throw new CheckpointException(e.getMessage() + " (the checkpoint is incomplete or corrupted)", e);
        }
        if (!(json.get("files") instanceof Map<?, ?> files) || files.isEmpty()) {
            throw new CheckpointException(stateFile + ": no file list, the checkpoint cannot be verified", null);
        }
        // The state's own fields are checked too: a changed digit there still parses.
        Map<String, Object> fields = new LinkedHashMap<>(json);
        fields.remove("files");
        Object recorded = fields.remove("state_sha256");
        if (!Sha256.of(Json.write(fields)).equals(recorded)) {
            throw new CheckpointException(stateFile + ": checksum mismatch, the file is corrupted", null);
        }
        for (Map.Entry<String, Object> e : ((Map<String, Object>) files).entrySet()) {
            Path f = cp.resolve(e.getKey());
            Map<String, Object> info = (Map<String, Object>) e.getValue();
            long expected = ((Number) info.get("size")).longValue();
            try {
                if (!Files.exists(f)) throw new CheckpointException(f + ": missing from the checkpoint", null);
                long size = Files.size(f);
                if (size != expected) {
                    throw new CheckpointException(f + ": " + size + " bytes but " + expected + " were saved (truncated or corrupted)", null);
                }
                if (!Sha256.of(f).equals(info.get("sha256"))) {
                    throw new CheckpointException(f + ": checksum mismatch, the file is corrupted", null);
                }
            } catch (IOException ex) {
                throw new CheckpointException("cannot read " + IoErrors.describe(f, ex), ex);
            }
        }
        return json;
    }

    /** Forces each file to disk and records its size and checksum, in name order. */
    private Map<String, Object> syncAndDescribe(Path folder) throws IOException {
        Map<String, Object> files = new LinkedHashMap<>();
        for (Path f : list(folder)) {
            if (f.getFileName().toString().equals(STATE_JSON)) continue;
            sync(f);
            hook.written(f);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("size", Files.size(f));
            info.put("sha256", Sha256.of(f));
            files.put(f.getFileName().toString(), info);
        }
        return files;
    }

    /** Renames the finished folder into place; a same-named leftover (from a run resumed before it) is replaced. */
    private void replaceDirectory(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = dir.resolve("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        sync(dir);
        if (old != null) deleteTree(old);
    }

    /** Deletes all but the newest `keep` checkpoints (never the latest) and leftovers of interrupted saves. */
    private void prune() {
        Optional<Path> latest = latest();
        List<Path> checkpoints = new ArrayList<>();
        try {
            for (Path p : list(dir)) {
                String n = p.getFileName().toString();
                if (n.matches(PREFIX + "\\d+") && Files.isDirectory(p)) checkpoints.add(p);
                else if (n.startsWith("." + PREFIX)) deleteTree(p);
            }
        } catch (IOException e) {
            return; // pruning is housekeeping; the checkpoint itself is safe
        }
        checkpoints.sort(Comparator.comparingLong(Checkpointer::stepOf).reversed());
        for (int i = keep; i < checkpoints.size(); i++) {
            Path old = checkpoints.get(i);
            if (latest.isPresent() && old.equals(latest.get())) continue;
            try {
                Folders.deleteTree(old);
            } catch (IOException e) { // housekeeping: training goes on, but the disk fills up, so say so
                System.err.println("note: could not delete the old checkpoint " + old + " (" + IoErrors.reason(e) + "), so more than --keep "
                        + keep + " are left; delete it by hand");
            }
        }
    }

    /** The step-N folders present, oldest first. */
    public List<Path> checkpoints() {
        try {
            List<Path> out = new ArrayList<>();
            if (!Files.isDirectory(dir)) return out;
            for (Path p : list(dir)) if (p.getFileName().toString().matches(PREFIX + "\\d+") && Files.isDirectory(p)) out.add(p);
            out.sort(Comparator.comparingLong(Checkpointer::stepOf));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(dir, e), e);
        }
    }

    private static long stepOf(Path p) {
        return Long.parseLong(p.getFileName().toString().substring(PREFIX.length()));
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    /** fsync of a file or a folder (for a folder: its entries, so a rename survives a power cut where supported). */
    private static void sync(Path p) throws IOException {
        boolean folder = Files.isDirectory(p);
        try (FileChannel ch = FileChannel.open(p, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!folder) throw e; // some platforms cannot open folders; the files themselves are safe
        }
    }

    private static void deleteTree(Path p) {
        try {
            Folders.deleteTree(p);
        } catch (IOException e) {
            // leftovers are hidden and removed by the next prune
        }
    }

    private static String message(Throwable e) {
        if (e instanceof IOException io) return IoErrors.describe(io);
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
