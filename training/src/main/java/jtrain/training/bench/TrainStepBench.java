package jtrain.training.bench;

import java.util.ArrayList;
import java.util.List;

import jtrain.engine.Flops;
import jtrain.engine.Rng;
import jtrain.engine.MemoryScope;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ProfilingBackend;
import jtrain.engine.optim.AdamW;
import jtrain.engine.optim.ParamGroup;
import jtrain.transformer.Activation;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertModel;

/**
 * Times full masked-LM training steps (forward, backward, AdamW, zeroing the gradients) of a freshly initialised
 * BERT on one fixed random batch, the work PyTorch's reference script (/work/shared/bench/torch_bert_cpu.py) does:
 * token ids uniform in [5, V), 15% of positions labelled with their own id, dropout 0.1, AdamW (lr 1e-4, weight decay
 * 0.01 on matrices). With sparse = false the logits are computed at every position (like the script); with true only
 * at the labelled ones (our pretraining's loss).
 */
public final class TrainStepBench {
    /**
     * act: the feed-forward block's and MLM head's activation (config.json's hidden_act); recompute: activation
     * checkpointing of every encoder layer ({@link BertModel#setGradientCheckpointing}).
     */
    public record Options(int layers, int hidden, int heads, int intermediate, Activation act, int vocab, int batch, int seq,
                          int warmup, int steps, boolean sparse, boolean profile, boolean recompute) {}

    /**
     * stepMs: mean over the timed steps; flopsPerStep: counted by the engine; breakdown: profiler entries of the
     * timed steps (empty without profiling); gcMs/gcCount: collections during the timed steps; pageFaults: page faults
     * the process took during the timed steps (-1 where /proc is missing).
     */
    public record Result(Options options, String backend, int threads, double stepMs, double minStepMs, double tokensPerS,
                         long flopsPerStep, double gflops, double peakGflops, long peakRssBytes, long peakHeapAfterGcBytes,
                         long liveHeapAfterForwardBytes, long gcCount, long gcMs, long pageFaults, long parameters, double loss, List<ProfilingBackend.Entry> breakdown,
                         String table) {
        public double mfu() {
            return gflops / peakGflops;
        }
    }

    private TrainStepBench() {}

    /** A model, its optimizer and one batch, ready to train: what each measured step works on (JMH uses it too). */
    public static final class Session {
        final BertForMaskedLM model;
        final AdamW opt;
        final Tensor[] batch;
        final boolean sparse;

        public Session(Options o) {
            BertConfig config = BertConfig.of(o.vocab(), o.layers(), o.hidden(), o.heads(), o.intermediate())
                    .withMaxPositions(Math.max(512, o.seq())).withHiddenAct(o.act());
            model = new BertForMaskedLM(config, new Rng(0), new Rng(1));
            model.train(true);
            model.bert.setGradientCheckpointing(o.recompute());
            opt = AdamW.withGroups(ParamGroup.decayMatricesOnly(model.parameters(), 0.01), 1e-4, 0.9, 0.999, 1e-8);
            batch = batch(o, new Rng(2));
            sparse = o.sparse();
        }

        /** One full training step; returns the loss. */
        public double step() {
            return TrainStepBench.step(model, opt, batch, sparse);
        }
    }

    public static Result run(Options o) {
        Backend base = Backends.cpu();
        double peak = CpuPeak.measure(base, 8);  // best of 8 now and 8 after the steps
        Session session = new Session(o);
        BertForMaskedLM model = session.model;
        AdamW opt = session.opt;
        Tensor[] batch = session.batch;
        ProfilingBackend profiler = o.profile() ? new ProfilingBackend(base) : null;
        try (MemoryProbe memory = new MemoryProbe();
             var installed = profiler != null ? Backends.useCpu(profiler) : Backends.useCpu(base)) {
            for (int i = 0; i < o.warmup(); i++) step(model, opt, batch, o.sparse());
            if (profiler != null) profiler.reset();
            long[] gc0 = MemoryProbe.gcCountAndMillis();
            long faults0 = MemoryProbe.pageFaults();
            long flops0 = Flops.total(), t0 = System.nanoTime();
            double min = Double.MAX_VALUE, loss = Double.NaN;
            for (int i = 0; i < o.steps(); i++) {
                long s0 = System.nanoTime();
                loss = step(model, opt, batch, o.sparse());
                min = Math.min(min, (System.nanoTime() - s0) / 1e6);
            }
            long wall = System.nanoTime() - t0;
            long flops = (Flops.total() - flops0) / o.steps();
            long[] gc1 = MemoryProbe.gcCountAndMillis();
            long faults1 = MemoryProbe.pageFaults();
            double stepMs = wall / 1e6 / o.steps();
            double gflops = flops / (stepMs / 1e3) / 1e9;
            List<ProfilingBackend.Entry> entries = profiler == null ? List.of() : profiler.entries();
            String table = profiler == null ? "" : profiler.table(wall, o.steps());
            long liveAfterForward = liveHeapAfterForward(model, opt, batch, o.sparse());
            // The peak again after the run: on a shared machine the better of the two is nearer the truth.
            peak = Math.max(peak, CpuPeak.measure(base, 8));
            return new Result(o, base.name(), jtrain.engine.backend.Parallel.THREADS, stepMs, min,
                    (double) o.batch() * o.seq() / (stepMs / 1e3), flops, gflops, peak, MemoryProbe.peakRssBytes(),
                    memory.peakHeapAfterGcBytes(), liveAfterForward, gc1[0] - gc0[0], gc1[1] - gc0[1],
                    faults0 < 0 || faults1 < 0 ? -1 : faults1 - faults0, model.parameterCount(), loss,
                    entries, table);
        }
    }

    /** One training step; returns the loss. The loss is read after the update so as not to stall anything. */
    private static double step(BertForMaskedLM model, AdamW opt, Tensor[] batch, boolean sparse) {
        Tensor ids = batch[0], labels = batch[1];
        // On a GPU the step's buffers go back to the allocator when it ends (see MemoryScope); on the CPU nothing changes.
        try (var mem = MemoryScope.open(ids.device())) {
            Tensor loss = sparse ? model.sparseLoss(ids, null, null, labels) : model.fullLoss(ids, null, null, labels);
            loss.backward();
            opt.step();
            opt.zeroGrad();
            return loss.item();
        }
    }

    /**
     * Heap in use at the end of a forward pass, after a full collection: what the step must hold (weights, optimizer
     * state, saved activations, the loss's inputs) once garbage is gone. An extra, untimed step.
     */
    private static long liveHeapAfterForward(BertForMaskedLM model, AdamW opt, Tensor[] batch, boolean sparse) {
        Tensor ids = batch[0], labels = batch[1];
        Tensor loss = sparse ? model.sparseLoss(ids, null, null, labels) : model.fullLoss(ids, null, null, labels);
        System.gc();
        long used = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        loss.backward();
        opt.step();
        opt.zeroGrad();
        return used;
    }

    /** {input ids, labels}: ids uniform in [5, V); 15% of positions labelled with their id, the rest -100. */
    static Tensor[] batch(Options o, Rng rng) {
        int n = o.batch() * o.seq();
        int[] ids = new int[n], labels = new int[n];
        List<Integer> labelled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids[i] = 5 + rng.nextInt(o.vocab() - 5);
            boolean scored = rng.nextDouble() < 0.15;
            labels[i] = scored ? ids[i] : -100;
            if (scored) labelled.add(i);
        }
        if (labelled.isEmpty()) labels[0] = ids[0]; // a tiny test batch still has a loss
        return new Tensor[] {Tensor.ofInts(ids, o.batch(), o.seq()), Tensor.ofInts(labels, o.batch(), o.seq())};
    }
}
