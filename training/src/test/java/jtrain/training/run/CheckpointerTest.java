package jtrain.training.run;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.pretrain.Pretrainer;
import jtrain.training.pretrain.TrainingState;
import jtrain.transformer.BertForMaskedLM;

/** Checkpoints survive failed saves, are verified on load, and only the newest few are kept. */
class CheckpointerTest {
    @TempDir
    Path tmp;

    final PretrainConfig config = TinyRuns.config(6, 2, 2);

    @Test
    void aRunKeepsTheLastKCheckpointsAndPointsLatestAtTheNewest() throws IOException {
        TinyRuns.train(tmp, config, TinyRuns.fresh());
        Checkpointer ck = new Checkpointer(tmp.resolve("checkpoints"), 2);
        assertEquals(List.of(tmp.resolve("checkpoints/step-4"), tmp.resolve("checkpoints/step-6")), ck.checkpoints());
        assertEquals(tmp.resolve("checkpoints/step-6"), ck.latest().orElseThrow());
        Path cp = ck.latest().orElseThrow();
        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer.json", Checkpointer.STATE_TENSORS, Checkpointer.STATE_JSON)) {
            assertTrue(Files.exists(cp.resolve(f)), f + " is in the checkpoint");
        }
        assertTrue(Files.exists(tmp.resolve(RunFolder.RUN_CONFIG)));
        try (var files = Files.list(tmp.resolve("checkpoints"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary folders are left behind");
        }
    }

    @Test
    void withoutTheLatestPointerTheNewestCheckpointIsTheOneToResume() throws IOException {
        // A run killed between its first checkpoint's rename and the pointer's write, or a deleted pointer.
        TinyRuns.train(tmp, config, TinyRuns.fresh());
        Files.delete(tmp.resolve("checkpoints").resolve(Checkpointer.LATEST));
        assertEquals(tmp.resolve("checkpoints/step-6"), new Checkpointer(tmp.resolve("checkpoints"), 2).latest().orElseThrow());
        assertEquals(java.util.Optional.empty(), new Checkpointer(tmp.resolve("nothing-here"), 2).latest());
    }

    @Test
    void aPointerToADeletedCheckpointSaysSoAndHowToFallBack() throws IOException {
        TinyRuns.train(tmp, config, TinyRuns.fresh());
        Path checkpoints = tmp.resolve("checkpoints");
        jtrain.engine.io.Folders.deleteTree(checkpoints.resolve("step-6"));
        Checkpointer ck = new Checkpointer(checkpoints, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, ck::latest);
        Path pointer = checkpoints.resolve(Checkpointer.LATEST);
        assertEquals(pointer + " names step-6, which is not in " + checkpoints + "; delete " + pointer
                + " to use the newest checkpoint left ([step-4])", e.getMessage());
        Files.delete(pointer);
        assertEquals(checkpoints.resolve("step-4"), ck.latest().orElseThrow());
    }

    @Test
    void aFailedSaveReportsTheCauseAndLeavesThePreviousCheckpointIntact() throws IOException {
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Path previous = tmp.resolve("checkpoints/step-2");
        Fixture f = fixture();
        f.checkpointer().restore(f.state(), f.model());

        // The weights file fails as it would on a full disk.
        Checkpointer failing = new Checkpointer(tmp.resolve("checkpoints"), 2, file -> {
            if (file.getFileName().toString().equals("model.safetensors")) throw new IOException("No space left on device");
        });
        f.state().step = 3;
        CheckpointException e = assertThrows(CheckpointException.class, () -> failing.save(f.state(), f.model(), TinyRuns.TOKENIZER));
        assertTrue(e.getMessage().contains("step-3") && e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().contains(previous + " is intact"), e.getMessage());

        assertEquals(previous, failing.latest().orElseThrow());
        assertEquals(List.of(previous), failing.checkpoints());
        Checkpointer.verify(previous);
        try (var files = Files.list(tmp.resolve("checkpoints"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "the half-written folder is removed");
        }
    }

    @Test
    void aPointerThatCannotBeWrittenSaysTheCheckpointIsCompleteAndWhichOneResumeUses() throws IOException {
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Fixture f = fixture();
        f.checkpointer().restore(f.state(), f.model());
        // "latest" cannot be replaced: a folder with a file in it stands where the pointer file goes.
        Path pointer = tmp.resolve("checkpoints/latest");
        Files.delete(pointer);
        Files.writeString(Files.createDirectories(pointer).resolve("x"), "x");
        f.state().step = 3;
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.checkpointer().save(f.state(), f.model(), TinyRuns.TOKENIZER));
        assertTrue(e.getMessage().startsWith("checkpoint " + tmp.resolve("checkpoints/step-3") + " is complete, but "), e.getMessage());
        assertTrue(e.getMessage().endsWith("delete " + pointer + " to resume from step-3"), e.getMessage());
        Checkpointer.verify(tmp.resolve("checkpoints/step-3"));
    }

    @Test
    void aSaveAfterTheShutdownHookNamedTheLatestCheckpointWritesNothing() throws Exception {
        // A signal's hook names the latest checkpoint while the training thread runs on until the JVM halts: a save
        // begun after that line would leave it naming an older checkpoint than the one --resume then uses.
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Fixture f = fixture();
        f.checkpointer().restore(f.state(), f.model());
        Path step2 = tmp.resolve("checkpoints/step-2");
        try {
            Thread hook = new Thread(() -> Checkpointer.stopSaves(600));
            hook.start();
            hook.join();
            assertEquals(step2, f.checkpointer().latest().orElseThrow(), "what the hook's line names");

            int parked = Checkpointer.PARKED.get();
            f.state().step = 3;
            var failure = new java.util.concurrent.CompletableFuture<Throwable>();
            Thread training = new Thread(() -> {
                try {
                    f.checkpointer().save(f.state(), f.model(), TinyRuns.TOKENIZER);
                    failure.complete(null);
                } catch (RuntimeException e) {
                    failure.complete(e);
                }
            });
            training.start();
            while (Checkpointer.PARKED.get() == parked && training.isAlive()) Thread.onSpinWait();
            assertEquals(parked + 1, Checkpointer.PARKED.get(), "the save waits for the halt: " + failure.getNow(null));
            assertFalse(Files.exists(tmp.resolve("checkpoints/step-3")), "nothing of step 3 is written");
            assertEquals(step2, f.checkpointer().latest().orElseThrow(), "latest still names what the line said");
            training.interrupt(); // in a real run, the JVM halts here
            training.join();
            assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        } finally {
            Checkpointer.resumeSaves();
        }
        f.state().step = 3; // saves work again once resumed (the other tests of this JVM save)
        assertEquals(tmp.resolve("checkpoints/step-3"), f.checkpointer().save(f.state(), f.model(), TinyRuns.TOKENIZER));
    }

    @Test
    void aShutdownHookReadingLatestWaitsForTheSaveInFlight() throws Exception {
        // Ctrl-C runs the hook while the training thread may be writing a checkpoint: the hook waits for that save and
        // then names the new checkpoint, never a folder in between.
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Fixture f = fixture();
        f.checkpointer().restore(f.state(), f.model());
        var inside = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        Checkpointer slow = new Checkpointer(tmp.resolve("checkpoints"), 2, file -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        f.state().step = 3;
        Thread saving = new Thread(() -> slow.save(f.state(), f.model(), TinyRuns.TOKENIZER));
        saving.start();
        inside.await();
        var seen = new java.util.concurrent.CompletableFuture<Path>();
        Thread hook = new Thread(() -> seen.complete(Checkpointer.afterSaveInFlight(600, () -> slow.latest().orElseThrow())));
        hook.start();
        release.countDown();
        assertEquals(tmp.resolve("checkpoints/step-3"), seen.get());
        saving.join();
        hook.join();
        Checkpointer.verify(tmp.resolve("checkpoints/step-3"));
    }

    @Test
    void aTruncatedFileIsNamedOnLoad() throws IOException {
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Path weights = tmp.resolve("checkpoints/step-2/model.safetensors");
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        Fixture f = fixture();
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.checkpointer().restore(f.state(), f.model()));
        assertTrue(e.getMessage().startsWith(weights.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aCorruptedFileIsNamedOnLoad() throws IOException {
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Path moments = tmp.resolve("checkpoints/step-2/" + Checkpointer.STATE_TENSORS);
        byte[] bytes = Files.readAllBytes(moments);
        bytes[bytes.length - 3] ^= 0x40; // one flipped bit in the optimizer moments
        Files.write(moments, bytes);
        Fixture f = fixture();
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.checkpointer().restore(f.state(), f.model()));
        assertEquals(moments + ": checksum mismatch, the file is corrupted", e.getMessage());
    }

    @Test
    void anUnreadableTrainerStateIsNamedOnLoad() throws IOException {
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Path state = tmp.resolve("checkpoints/step-2/" + Checkpointer.STATE_JSON);
        String json = Files.readString(state);
        Files.writeString(state, json.substring(0, json.length() / 2));
        Fixture f = fixture();
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.checkpointer().restore(f.state(), f.model()));
        // The file, where in it, what is wrong, and what that means; the path once.
        assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(state.toString()) + ":\\d+:\\d+: invalid JSON: [^/]*"
                + " \\(the checkpoint is incomplete or corrupted\\)"), e.getMessage());

        Files.delete(state);
        e = assertThrows(CheckpointException.class, () -> Checkpointer.verify(state.getParent()));
        assertEquals(state + ": no such file or folder (the checkpoint is incomplete or corrupted)", e.getMessage());
    }

    @Test
    void aChangedDigitInTheTrainerStateIsDetected() throws IOException {
        TinyRuns.train(tmp, TinyRuns.config(2, 2, 2), TinyRuns.fresh());
        Path state = tmp.resolve("checkpoints/step-2/" + Checkpointer.STATE_JSON);
        Files.writeString(state, Files.readString(state).replace("\"step\": 2,", "\"step\": 3,"));
        Fixture f = fixture();
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.checkpointer().restore(f.state(), f.model()));
        assertEquals(state + ": checksum mismatch, the file is corrupted", e.getMessage());
    }

    @Test
    void aDamagedLatestCheckpointNamesTheOlderIntactOneAndHowToResumeFromIt() throws IOException {
        // A disk error corrupts the newest checkpoint. Resume refuses it, names the file, finds the newest older
        // checkpoint that still verifies and says how to use it; it never skips a checkpoint silently.
        PretrainConfig run = TinyRuns.config(6, 2, 3);
        TinyRuns.train(tmp.resolve("reference"), run, TinyRuns.fresh());
        Path dir = tmp.resolve("run"), checkpoints = dir.resolve("checkpoints");
        TinyRuns.train(dir, run, TinyRuns.fresh());
        for (String step : List.of("step-6", "step-4")) {
            Path weights = checkpoints.resolve(step).resolve("model.safetensors");
            byte[] bytes = Files.readAllBytes(weights);
            bytes[bytes.length / 2] ^= 0x10;
            Files.write(weights, bytes);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> TinyRuns.train(dir, run, TinyRuns.resume()));
        assertEquals(checkpoints.resolve("step-6/model.safetensors") + ": checksum mismatch, the file is corrupted; the older checkpoint "
                + checkpoints.resolve("step-2") + " is intact: to resume from it (the steps after 2 are trained again), move "
                + checkpoints.resolve("step-6") + " and " + checkpoints.resolve("step-4") + " (damaged too) out of " + checkpoints + " and delete "
                + checkpoints.resolve("latest"), e.getMessage());

        // Doing so resumes from step 2 and ends as the run that was never damaged, byte for byte.
        Files.move(checkpoints.resolve("step-6"), tmp.resolve("step-6.damaged"));
        Files.move(checkpoints.resolve("step-4"), tmp.resolve("step-4.damaged"));
        Files.delete(checkpoints.resolve("latest"));
        TinyRuns.train(dir, run, TinyRuns.resume());
        for (String f : List.of("model.safetensors", Checkpointer.STATE_TENSORS, Checkpointer.STATE_JSON)) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("reference/checkpoints/step-6").resolve(f)), Files.readAllBytes(checkpoints.resolve("step-6").resolve(f)), f);
        }

        // With no intact checkpoint left, the error says that too.
        for (String step : List.of("step-2", "step-4", "step-6")) {
            Path moments = checkpoints.resolve(step).resolve(Checkpointer.STATE_TENSORS);
            Files.write(moments, java.util.Arrays.copyOf(Files.readAllBytes(moments), 100));
        }
        e = assertThrows(CheckpointException.class, () -> TinyRuns.train(dir, run, TinyRuns.resume()));
        assertTrue(e.getMessage().endsWith("; no older checkpoint in " + checkpoints + " is intact either [step-4, step-2]"), e.getMessage());
    }

    @Test
    void aRunIsRecordedAsStartedOnlyOnceItsTokenizerIsWritten() throws IOException {
        // run_config.json marks a run that --resume can continue; it needs the run's tokenizer. A start cut short while
        // writing the tokenizer (here: a file stands where its folder goes) must not leave run_config.json behind.
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("tokenizer"), "in the way");
        assertThrows(java.io.UncheckedIOException.class, () -> TinyRuns.train(run, config, TinyRuns.fresh()));
        assertFalse(Files.exists(run.resolve(RunFolder.RUN_CONFIG)), "no run is recorded");
        assertFalse(new RunFolder(run).hasRun());
    }

    @Test
    void aGarbledLatestPointerSaysHowToFallBack() throws IOException {
        TinyRuns.train(tmp, config, TinyRuns.fresh());
        Path pointer = tmp.resolve("checkpoints").resolve(Checkpointer.LATEST);
        Files.writeString(pointer, "step-");  // cut short: written by hand, or by a file system that lost its end
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Checkpointer(tmp.resolve("checkpoints"), 2).latest());
        assertEquals(pointer + ": does not name a checkpoint ('step-'); delete " + pointer + " to use the newest checkpoint ([step-4, step-6])",
                e.getMessage());
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() {
        // After the step-4 checkpoint a weight becomes NaN, so the loss of step 5 is NaN.
        var poisonAt4 = new PretrainRun.Invocation(false, Integer.MAX_VALUE, TinyRuns.quiet(), s -> {
            if (s.step == 4) {
                Tensor w = s.optimizer.params().get(0);
                w.backend().fill(w, Double.NaN);
            }
        });
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> TinyRuns.train(tmp, config, poisonAt4));
        assertTrue(e.getMessage().contains("NaN at step 5"), e.getMessage());
        assertTrue(e.getMessage().contains("the last good checkpoint is " + tmp.resolve("checkpoints/step-4")), e.getMessage());
        Checkpointer.verify(tmp.resolve("checkpoints/step-4"));
    }

    /** A model and fresh state of the run in tmp, as a resume builds them. */
    record Fixture(BertForMaskedLM model, TrainingState state, Checkpointer checkpointer) {}

    Fixture fixture() {
        PretrainConfig c = TinyRuns.config(2, 2, 2);
        Rng dropout = new Rng(c.seed() + 1);
        BertForMaskedLM model = new BertForMaskedLM(c.bertConfig(TinyRuns.TOKENIZER.vocab().size()), new Rng(c.seed()), dropout);
        TrainingState state = new Pretrainer(model, MlmBatch.Vocab.of(TinyRuns.TOKENIZER), c.options()).newState(TinyRuns.TRAIN, dropout);
        return new Fixture(model, state, new Checkpointer(tmp.resolve("checkpoints"), c.keep()));
    }
}
