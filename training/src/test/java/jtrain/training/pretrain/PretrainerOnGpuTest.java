package jtrain.training.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jtrain.cuda.CudaBackend;
import jtrain.cuda.EmulatedGpu;
import jtrain.engine.Autograd;
import jtrain.engine.Rng;
import jtrain.engine.backend.Backends;
import jtrain.training.run.Progress;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;

/**
 * The pretraining loop on the (emulated) GPU waits for the device only when it must: no step between two metrics
 * lines copies anything back (losses and gradient norms stay on the device until the metrics line reads them).
 */
class PretrainerOnGpuTest {
    @Test
    void stepsBetweenMetricsLinesNeverWaitForTheGpu() {
        CudaBackend gpu = EmulatedGpu.backendOrSkip();
        int vocabSize = 20;
        List<int[]> seqs = new ArrayList<>();
        Rng r = new Rng(3);
        for (int s = 0; s < 16; s++) {
            int[] seq = new int[12];
            for (int i = 0; i < seq.length; i++) seq[i] = 5 + r.nextInt(15);
            seqs.add(seq);
        }
        MlmBatch.Vocab vocab = new MlmBatch.Vocab(vocabSize, 0, 4, Set.of(0, 1, 2, 3, 4), new boolean[vocabSize]);
        MlmMasking masking = new MlmMasking(0.3, false);
        // 8 steps of 2 micro-batches, clipping on, a metrics line every 4 steps, no evaluation.
        Pretrainer.Options o = new Pretrainer.Options(4, 2, 8, 1e-3, 2, "linear", 0.01, 1.0, 4, 1000, 5, masking);
        List<Integer> copiesToHost = new ArrayList<>();
        try (Autograd.AutoCloseable0 on = Backends.useCuda(gpu)) {
            BertForMaskedLM model = new BertForMaskedLM(BertConfig.of(vocabSize, 1, 32, 2, 64).withMaxPositions(12), new Rng(1), new Rng(2));
            model.to(gpu.device());
            Pretrainer p = new Pretrainer(model, vocab, o);
            TrainingState state = p.newState(seqs, new Rng(2));
            EmulatedGpu.get().resetCounts();
            Pretrainer.Summary s = p.train(state, seqs, null, null, new Progress(new PrintStream(new ByteArrayOutputStream()), 30), st -> {
                copiesToHost.add(EmulatedGpu.get().counts().getOrDefault("copy to host", 0));
                EmulatedGpu.get().resetCounts();
            }, o.steps());
            assertEquals(2, s.lossCurve().size(), "two metrics lines");
            assertTrue(Double.isFinite(s.lossCurve().getLast()[1]));
        }
        assertEquals(List.of(0, 0, 0), copiesToHost.subList(0, 3), "steps 1-3 copy nothing back");
        assertEquals(List.of(0, 0, 0), copiesToHost.subList(4, 7), "nor do steps 5-7");
        assertTrue(copiesToHost.get(3) > 0 && copiesToHost.get(7) > 0, "the metrics lines (steps 4 and 8) read the losses: " + copiesToHost);
    }
}
