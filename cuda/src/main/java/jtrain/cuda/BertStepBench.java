package jtrain.cuda;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jtrain.engine.Device;
import jtrain.engine.MemoryScope;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backends;
import jtrain.engine.optim.AdamW;
import jtrain.transformer.Activation;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;

/**
 * Training-step throughput of BertForMaskedLM (MLM loss, AdamW) on the GPU, measured like
 * shared/bench/torch_bert_gpu.py so the two print comparable JSON lines: random ids in [5, V), 15% of positions
 * labelled, warm-up steps, then timed steps between device synchronisations. Self-contained on purpose (a
 * general ./trainer bench is being built elsewhere; this is to be unified with it).
 * usage: BertStepBench [--model base|small|mini|tiny|L,H,A,I] [--vocab 30522] [--batch 64] [--seq 128]
 *                      [--modes fp32,tf32,bf16] [--steps 10] [--warmup 3] [--device cuda|cpu] [--loss full|sparse]
 *                      [--memory-scope true|false] [--peak-size 8192] [--act gelu] [--recompute false|true]
 * --loss full (the default) computes logits at every position like the PyTorch script; sparse only at the labelled 15%.
 * --act is config.json's hidden_act (any name {@link Activation} accepts).
 * --recompute true checkpoints every encoder layer (recomputed in backward; "tflops" still counts the model's work).
 * --memory-scope false leaves a step's device memory to the garbage collector instead of a {@link MemoryScope}.
 * "mfu" is the step's TFLOP/s over the best of 5 matrix products of --peak-size cubed in the same mode ("gemm_peak_tflops").
 * "host_ms" is the time per step the host spent queuing it (nothing in a step waits for the GPU): well below step_ms,
 * the GPU sets the pace; close to it, either the host does, or something made the host wait: a full launch queue in
 * the driver, or (with --memory-scope false) the allocator freeing memory, which waits for the GPU.
 * JTRAIN_FAKE_CUDA_HOST_ONLY on the fake driver measures the host's cost alone (docs/cuda.md).
 */
public final class BertStepBench {
    private BertStepBench() {}

    private static final Map<String, int[]> SIZES = Map.of(
            "base", new int[] {12, 768, 12, 3072}, "small", new int[] {4, 512, 8, 2048},
            "mini", new int[] {4, 256, 4, 1024}, "tiny", new int[] {2, 128, 2, 512});

    public static void main(String[] argv) {
        run(argv, System.out);
    }

    /** Runs the benchmark, printing one JSON line per mode to out. */
    static void run(String[] argv, java.io.PrintStream out) {
        Map<String, String> a = new LinkedHashMap<>(Map.of("model", "base", "vocab", "30522", "batch", "64", "seq", "128",
                "modes", "fp32,tf32", "steps", "10", "warmup", "3", "device", "cuda", "loss", "full", "memory-scope", "true"));
        a.put("peak-size", "8192");
        a.put("act", "gelu");
        a.put("recompute", "false");
        for (int i = 0; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || !a.containsKey(argv[i].substring(2))) throw new IllegalArgumentException("unknown option " + argv[i]);
            if (i + 1 == argv.length) throw new IllegalArgumentException(argv[i] + " needs a value"); // was silently ignored
            a.put(argv[i].substring(2), argv[i + 1]);
        }
        String model = a.get("model");
        int[] s;
        try {
            s = SIZES.containsKey(model) ? SIZES.get(model) : java.util.Arrays.stream(model.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
        } catch (NumberFormatException e) {
            s = new int[0];
        }
        if (s.length != 4 || java.util.Arrays.stream(s).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("--model must be base, small, mini, tiny or L,H,A,I (positive), got '" + model + "'");
        }
        int layers = s[0], hidden = s[1], heads = s[2], inter = s[3];
        int vocab = Integer.parseInt(a.get("vocab")), batch = Integer.parseInt(a.get("batch")), seq = Integer.parseInt(a.get("seq"));
        int steps = Integer.parseInt(a.get("steps")), warmup = Integer.parseInt(a.get("warmup"));
        if (steps < 1 || warmup < 0 || batch < 1 || seq < 1 || vocab < 6) {
            // 0 steps printed a step time of NaN and 0 tokens/s.
            throw new IllegalArgumentException("need --vocab >= 6, --batch, --seq, --steps >= 1 and --warmup >= 0, got --vocab " + vocab
                    + " --batch " + batch + " --seq " + seq + " --steps " + steps + " --warmup " + warmup);
        }
        boolean sparse = switch (a.get("loss")) {
            case "full" -> false;
            case "sparse" -> true;
            default -> throw new IllegalArgumentException("--loss must be full or sparse, got " + a.get("loss"));
        };
        boolean scoped = Boolean.parseBoolean(a.get("memory-scope")), recompute = Boolean.parseBoolean(a.get("recompute"));
        Activation act = Activation.fromHfName(a.get("act"), "--act");
        int peakSize = Integer.parseInt(a.get("peak-size"));
        Device device = Devices.select(a.get("device"));
        CudaBackend cuda = device.isCpu() ? null : (CudaBackend) Backends.forDevice(device);

        // Each mode sets the products' precision; the backend's own setting comes back at the end.
        String before = cuda == null ? null : cuda.precision();
        try {
            for (String mode : a.get("modes").split(",")) {
                if (cuda != null) Devices.setPrecision(device, mode, System.err);
                else if (!mode.equals("fp32")) continue; // TF32 and BF16 are GPU modes
                BertConfig config = BertConfig.of(vocab, layers, hidden, heads, inter).withMaxPositions(Math.max(512, seq))
                        .withHiddenAct(act);
                BertForMaskedLM m = new BertForMaskedLM(config, new Rng(0), new Rng(1));
                m.to(device);
                m.train(true);
                m.bert.setGradientCheckpointing(recompute);
                AdamW opt = new AdamW(m.parameters(), 1e-4, 0.9, 0.999, 1e-8, 0.01);
                Rng rng = new Rng(2);
                int[] ids = new int[batch * seq], labels = new int[batch * seq];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = 5 + rng.nextInt(vocab - 5);
                    labels[i] = rng.nextDouble() < 0.15 ? ids[i] : -100;
                }
                Tensor input = Tensor.ofInts(ids, batch, seq).to(device);
                Tensor lab = Tensor.ofInts(labels, batch, seq); // stays on the host: the sparse loss reads it there
                Runnable step = () -> {
                    // A step's activations go back to the allocator at its end (or, without the scope, when collected).
                    try (MemoryScope mem = scoped ? MemoryScope.open(device) : null) {
                        Tensor loss = sparse ? m.sparseLoss(input, null, null, lab) : m.fullLoss(input, null, null, lab);
                        loss.backward();
                        opt.step();
                        opt.zeroGrad();
                    }
                };
                for (int i = 0; i < warmup; i++) step.run();
                sync(cuda);
                long t0 = System.nanoTime(), queuing = 0;
                for (int i = 0; i < steps; i++) {
                    long s0 = System.nanoTime();
                    step.run();
                    queuing += System.nanoTime() - s0;
                }
                sync(cuda);
                double sec = (System.nanoTime() - t0) / 1e9 / steps, hostMs = queuing / 1e6 / steps;
                long n = m.parameterCount();
                long emb = (long) vocab * hidden + (long) config.maxPositionEmbeddings() * hidden + (long) config.typeVocabSize() * hidden;
                double flopsPerToken = 6.0 * (n - emb) + 6.0 * hidden * vocab + 12.0 * layers * seq * hidden; // torch_bert_gpu.py's count
                double tflops = flopsPerToken * batch * seq / sec / 1e12, peak = cuda == null ? Double.NaN : peakTflops(device, peakSize);
                out.printf(Locale.ROOT, "{\"jtrain\": \"%s\", \"gpu\": \"%s\", \"L\": %d, \"H\": %d, \"A\": %d, \"I\": %d, \"V\": %d, \"B\": %d, \"T\": %d, "
                                + "\"act\": \"%s\", \"recompute\": %b, \"mode\": \"%s\", \"loss\": \"%s\", \"step_ms\": %.2f, \"host_ms\": %.2f, \"tokens_per_s\": %d, \"tflops\": %.1f, "
                                + "\"gemm_peak_tflops\": %s, \"mfu\": %s, \"memory\": \"%s\"}%n",
                        cuda == null ? "cpu" : "cuda", cuda == null ? "-" : cuda.deviceName(), layers, hidden, heads, inter, vocab, batch, seq,
                        act.hfName(), recompute, mode, sparse ? "sparse" : "full", sec * 1e3, hostMs, Math.round(batch * seq / sec), tflops,
                        jsonNumber("%.1f", peak), jsonNumber("%.3f", tflops / peak),
                        cuda == null ? "-" : cuda.memorySummary());
                if (cuda != null) {
                    // Drop this mode's model before the next one allocates its own.
                    System.gc();
                    cuda.emptyCache();
                }
            }
        } finally {
            if (cuda != null) cuda.setPrecision(before);
        }
    }

    /**
     * The TFLOP/s of one size x size x size matrix product in the current precision (FP32, TF32 or BF16), the best of 5:
     * the ceiling the step's MFU is measured against, on the same card in the same process.
     */
    static double peakTflops(Device device, int size) {
        try (MemoryScope mem = MemoryScope.open(device)) {
            CudaBackend cuda = (CudaBackend) Backends.forDevice(device);
            Tensor x = Tensor.zeros(jtrain.engine.DType.F32, device, 1, size, size); // (batch, m, k), as Backend.matmul takes
            cuda.fill(x, 0.01);
            if (cuda.bf16()) x = x.to(jtrain.engine.DType.BF16); // rounded once here: the peak is the product alone
            cuda.matmul(x, x); // warm-up: cuBLAS picks its kernel
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                cuda.synchronize();
                long t0 = System.nanoTime();
                cuda.matmul(x, x);
                cuda.synchronize();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * size * size * (double) size / best / 1e12;
        }
    }

    /** A number for the JSON line, or null where there is none (no GPU peak on the CPU): JSON has no NaN. */
    private static String jsonNumber(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "null";
    }

    private static void sync(CudaBackend cuda) {
        if (cuda != null) cuda.synchronize();
    }
}
