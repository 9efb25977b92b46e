package jtrain.training.pretrain;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.training.run.Progress;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;

class PretrainerTest {
    @Test
    void aTinyModelLearnsARepetitiveLanguage() {
        // Sequences of a repeating 6-token cycle: a masked token is predictable from its neighbours.
        int vocabSize = 20;
        List<int[]> seqs = new ArrayList<>();
        Rng r = new Rng(3);
        for (int s = 0; s < 64; s++) {
            int[] seq = new int[16];
            int phase = r.nextInt(6);
            seq[0] = 2;
            for (int i = 1; i < 15; i++) seq[i] = 5 + (phase + i) % 6;
            seq[15] = 3;
            seqs.add(seq);
        }
        MlmBatch.Vocab vocab = new MlmBatch.Vocab(vocabSize, 0, 4, Set.of(0, 1, 2, 3, 4), new boolean[vocabSize]);
        MlmMasking masking = new MlmMasking(0.15, false);
        BertConfig config = BertConfig.of(vocabSize, 1, 32, 2, 64).withDropout(0, 0).withMaxPositions(16);
        BertForMaskedLM model = new BertForMaskedLM(config, new Rng(1), new Rng(2));
        MlmEvaluator eval = new MlmEvaluator(seqs.subList(0, 16), vocab, masking, 16, 99);
        double before = eval.evaluate(model).loss();
        Pretrainer.Options o = new Pretrainer.Options(16, 1, 220, 5e-3, 20, "linear", 0.01, 1.0, 20, 110, 5, masking);
        Pretrainer.Summary s = new Pretrainer(model, vocab, o).train(seqs, eval, null, new Progress(new PrintStream(new ByteArrayOutputStream()), 30));
        assertTrue(s.finalEval().loss() < 0.4 * before, "held-out loss fell from " + before + " to " + s.finalEval().loss());
        assertTrue(s.finalEval().accuracy() > 0.3, "accuracy " + s.finalEval().accuracy());
        assertTrue(s.flops() > 0);
    }

    @Test
    void theEvaluatorsPerSequenceLossesAddUpToItsLoss() {
        // 10 sequences in batches of 4: the last batch is short, and sequence numbers must run on across batches.
        int vocabSize = 20;
        List<int[]> seqs = new ArrayList<>();
        Rng r = new Rng(7);
        for (int s = 0; s < 10; s++) {
            int[] seq = new int[12];
            seq[0] = 2;
            for (int i = 1; i < 11; i++) seq[i] = 5 + r.nextInt(15);
            seq[11] = 3;
            seqs.add(seq);
        }
        MlmBatch.Vocab vocab = new MlmBatch.Vocab(vocabSize, 0, 4, Set.of(0, 1, 2, 3, 4), new boolean[vocabSize]);
        BertForMaskedLM model = new BertForMaskedLM(BertConfig.of(vocabSize, 1, 16, 2, 32).withDropout(0, 0).withMaxPositions(12), new Rng(1), new Rng(2));
        MlmEvaluator.Result e = new MlmEvaluator(seqs, vocab, new MlmMasking(0.3, false), 4, 11).evaluate(model);
        double sum = 0;
        long n = 0;
        for (int i = 0; i < seqs.size(); i++) {
            sum += e.sequenceLoss()[i];
            n += e.sequencePredicted()[i];
            assertTrue(e.sequencePredicted()[i] <= 10, "sequence " + i + " has 10 maskable tokens");
        }
        assertEquals(e.predicted(), n);
        assertTrue(e.sequencePredicted()[9] > 0 || e.sequencePredicted()[8] > 0, "the short last batch is counted");
        assertEquals(e.loss(), sum / n, 1e-5);
    }

    @Test
    void everyScheduleWarmsUpFirstConstantIncluded() {
        MlmMasking masking = new MlmMasking(0.15, false);
        for (String kind : List.of("linear", "cosine", "constant")) {
            var o = new Pretrainer.Options(16, 1, 100, 1e-3, 10, kind, 0.01, 1.0, 10, 50, 5, masking);
            var schedule = Pretrainer.schedule(o);
            assertEquals(0, schedule.lr(0), 1e-12, kind + ": the warm-up starts at 0, as in HF");
            assertEquals(5e-4, schedule.lr(5), 1e-12, kind + ": half-way through the warm-up");
            assertEquals(1e-3, schedule.lr(10), 1e-12, kind + ": the full rate right after the warm-up");
        }
        var noWarmup = new Pretrainer.Options(16, 1, 100, 1e-3, 0, "constant", 0.01, 1.0, 10, 50, 5, masking);
        assertEquals(1e-3, Pretrainer.schedule(noWarmup).lr(0), 1e-12, "--warmup 0: a plain constant rate");
        assertEquals(1e-3, Pretrainer.schedule(noWarmup).lr(99), 1e-12);
    }
}
