package jtrain.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.MemoryScope;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backend.Activation;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Reduce;
import jtrain.engine.backend.Backend.Unary;
import jtrain.engine.backend.Backends;

/**
 * The time of each primitive of a BERT training step on the GPU, at BERT-base shapes by default (64 x 128 tokens,
 * hidden 768, FFN 3072, 12 heads, vocabulary 30522, 110M parameters for AdamW), and the memory traffic (GB/s,
 * counting each tensor read or written once) or FLOP rate that implies. The per-kernel companion of
 * {@link BertStepBench}: it shows which kernel a slow step spends on.
 * usage: GpuPrimitiveBench [--tokens 8192] [--seq 128] [--hidden 768] [--ffn 3072] [--heads 12] [--vocab 30522]
 *                          [--params 110000000] [--layers 12] [--reps 20] [--warmup 20]
 * Two times per call: "GPU", from events around --reps calls queued while a spin kernel held the stream, so they
 * run back to back and the host's own cost (checks, JCuda, a few tens of microseconds per call) is not in it; and
 * "wall", the warm-up's time per call with nothing held, which is the GPU's or the host's, whichever is slower.
 * Each call runs in a {@link MemoryScope}, as a training step's ops do, so its outputs go back to the allocator's
 * cache when it returns instead of waiting for a collection.
 */
public final class GpuPrimitiveBench {
    private GpuPrimitiveBench() {}

    /** One primitive: bytes moved and FLOPs per call (0 when not the point), the products' precision, the call on inputs. */
    record Case(String name, String shape, double bytes, double flops, String precision, Supplier<Tensor[]> inputs, Op op) {
        Case(String name, String shape, double bytes, double flops, Supplier<Tensor[]> inputs, Op op) {
            this(name, shape, bytes, flops, "fp32", inputs, op);
        }
    }

    @FunctionalInterface
    interface Op {
        Object run(Backend be, Tensor[] in);
    }

    public static void main(String[] argv) {
        Cuda.Status s = Cuda.tryInit();
        if (!s.available()) {
            System.out.println("CUDA unavailable: " + s.reason());
            System.exit(2);
        }
        run(argv, s.backend(), System.out);
    }

    /** Times every case on cuda and prints a table to out. */
    static void run(String[] argv, CudaBackend cuda, java.io.PrintStream out) {
        Map<String, String> a = new LinkedHashMap<>(Map.of("tokens", "8192", "seq", "128", "hidden", "768", "ffn", "3072",
                "heads", "12", "vocab", "30522", "params", "110000000", "reps", "20"));
        a.put("warmup", "20");
        a.put("layers", "12");
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || !a.containsKey(argv[i].substring(2))) throw new IllegalArgumentException("unknown option " + argv[i]);
            a.put(argv[i].substring(2), argv[i + 1]);
        }
        int reps = Integer.parseInt(a.get("reps")), warmup = Integer.parseInt(a.get("warmup"));
        boolean unheld = false;
        out.printf(Locale.ROOT, "%-34s %-22s %12s %12s %10s %10s%n", "primitive", "shape", "GPU us/call", "wall us/call", "GB/s", "TFLOP/s");
        String before = cuda.precision(); // each case sets its precision; restored at the end
        try {
            for (Case c : cases(a, cuda.device())) {
                Tensor[] in = c.inputs().get();
                Devices.setPrecision(cuda.device(), c.precision(), System.err);
                // Warm-up, so that the JIT has compiled the host side; its wall time per call (host and GPU, whichever
                // is slower) sizes the hold below.
                call(c, cuda, in);
                cuda.synchronize();
                long t0 = System.nanoTime();
                for (int i = 0; i < warmup; i++) call(c, cuda, in);
                cuda.synchronize();
                double wall = (System.nanoTime() - t0) / 1e9 / Math.max(1, warmup);
                Driver.GpuTime gpu = timeHeld(c, cuda, in, reps, (long) (1.5 * reps * wall * 1e6) + 1000);
                double sec = gpu.millis() / 1e3 / reps;
                unheld |= !gpu.held();
                boolean measured = sec > 5e-7; // not when nothing ran (the fake driver's host-only mode)
                out.printf(Locale.ROOT, "%-34s %-22s %11.1f%s %12.1f %10s %10s%n", c.name(), c.shape(), sec * 1e6, gpu.held() ? " " : "*",
                        wall * 1e6, measured && c.bytes() > 0 ? String.format(Locale.ROOT, "%.0f", c.bytes() / sec / 1e9) : "-",
                        measured && c.flops() > 0 ? String.format(Locale.ROOT, "%.1f", c.flops() / sec / 1e12) : "-");
            }
            if (unheld) out.println("* the stream's hold ended before the host had queued every call: that GPU time includes host gaps");
        } finally {
            cuda.setPrecision(before);
        }
    }

    /**
     * The GPU time of reps calls queued while a spin kernel holds the stream, so that they run back to back. When the
     * hold ends before the host has queued them all (a collection, a slow host), again with four times the hold, up
     * to 2 s.
     */
    private static Driver.GpuTime timeHeld(Case c, CudaBackend cuda, Tensor[] in, int reps, long holdMicros) {
        while (true) {
            cuda.holdStream(Math.min(MAX_HOLD_MICROS, holdMicros));
            Driver.GpuTime t = cuda.gpuMillis(() -> {
                for (int i = 0; i < reps; i++) call(c, cuda, in);
            });
            if (t.held() || holdMicros >= MAX_HOLD_MICROS) return t;
            holdMicros *= 4;
        }
    }

    private static final long MAX_HOLD_MICROS = 2_000_000;

    /** One call in a memory scope, as in a training step: its outputs go back to the allocator's cache at once. */
    private static void call(Case c, CudaBackend cuda, Tensor[] in) {
        try (MemoryScope scope = MemoryScope.open(cuda.device())) {
            c.op().run(cuda, in);
        }
    }

    static List<Case> cases(Map<String, String> a, Device d) {
        int n = Integer.parseInt(a.get("tokens")), t = Integer.parseInt(a.get("seq")), c = Integer.parseInt(a.get("hidden"));
        int f = Integer.parseInt(a.get("ffn")), h = Integer.parseInt(a.get("heads")), v = Integer.parseInt(a.get("vocab"));
        int p = Integer.parseInt(a.get("params"));
        int b = n / t, dh = c / h, bh = b * h;
        long nc = (long) n * c, nf = (long) n * f, nv = (long) n * v, att = (long) bh * t * t;
        List<Case> cs = new ArrayList<>();
        String ncs = n + "x" + c, nfs = n + "x" + f;
        cs.add(new Case("matmul FFN up, FP32", ncs + "·" + c + "x" + f, 4.0 * (nc + (long) c * f + nf), 2.0 * nc * f,
                () -> new Tensor[] {filled(d, 0.01, 1, n, c), filled(d, 0.01, 1, c, f)}, (be, x) -> be.matmul(x[0], x[1])));
        cs.add(new Case("matmul FFN up, TF32", ncs + "·" + c + "x" + f, 4.0 * (nc + (long) c * f + nf), 2.0 * nc * f, "tf32",
                () -> new Tensor[] {filled(d, 0.01, 1, n, c), filled(d, 0.01, 1, c, f)}, (be, x) -> be.matmul(x[0], x[1])));
        // BF16 as a training step has it: the F32 operands copied to BF16 first (bytes: the product's own traffic).
        cs.add(new Case("matmul FFN up, BF16 (+ copies)", ncs + "·" + c + "x" + f, 4.0 * (nc + (long) c * f + nf), 2.0 * nc * f, "bf16",
                () -> new Tensor[] {filled(d, 0.01, 1, n, c), filled(d, 0.01, 1, c, f)}, (be, x) -> be.matmul(x[0], x[1])));
        cs.add(new Case("attention scores q·kT, FP32", bh + "x" + t + "x" + dh, 4.0 * (2L * bh * t * dh + att), 2.0 * att * dh,
                () -> new Tensor[] {filled(d, 0.01, bh, t, dh), filled(d, 0.01, bh, t, dh)},
                (be, x) -> be.matmul(x[0], x[1].transpose(1, 2))));
        cs.add(new Case("softmax", bh * t + "x" + t, 8.0 * att, 0, () -> new Tensor[] {filled(d, 0.1, bh * t, t)},
                (be, x) -> be.softmax(x[0])));
        cs.add(new Case("softmax backward", bh * t + "x" + t, 12.0 * att, 0,
                () -> new Tensor[] {filled(d, 1.0 / t, bh * t, t), filled(d, 0.1, bh * t, t)}, (be, x) -> be.softmaxBackward(x[0], x[1])));
        cs.add(new Case("layerNorm", ncs, 8.0 * nc, 0, () -> new Tensor[] {filled(d, 0.3, n, c), filled(d, 1, c), filled(d, 0, c)},
                (be, x) -> be.layerNorm(x[0], x[1], x[2], 1e-12)));
        cs.add(new Case("layerNorm backward", ncs, 12.0 * nc, 0, () -> {
            Tensor x = filled(d, 0.3, n, c);
            Tensor[] y = Backends.forDevice(d).layerNorm(x, filled(d, 1, c), filled(d, 0, c), 1e-12);
            return new Tensor[] {filled(d, 0.1, n, c), x, filled(d, 1, c), y[1], y[2]};
        }, (be, x) -> be.layerNormBackward(x[0], x[1], x[2], x[3], x[4])));
        cs.add(new Case("GELU", nfs, 8.0 * nf, 0, () -> new Tensor[] {filled(d, 0.5, n, f)}, (be, x) -> be.unary(Unary.GELU, x[0])));
        cs.add(new Case("GELU backward", nfs, 12.0 * nf, 0, () -> new Tensor[] {filled(d, 0.5, n, f), filled(d, 0.1, n, f)},
                (be, x) -> be.binary(Binary.GELU_BACKWARD, x[0], x[1])));
        // The other hidden_act values' fused kernels (activations.cu), the same traffic as GELU's.
        cs.add(new Case("tanh GELU", nfs, 8.0 * nf, 0, () -> new Tensor[] {filled(d, 0.5, n, f)},
                (be, x) -> be.activation(Activation.GELU_TANH, Math.sqrt(2 / Math.PI), x[0])));
        cs.add(new Case("tanh GELU backward", nfs, 12.0 * nf, 0, () -> new Tensor[] {filled(d, 0.5, n, f), filled(d, 0.1, n, f)},
                (be, x) -> be.activationBackward(Activation.GELU_TANH, Math.sqrt(2 / Math.PI), x[0], x[1])));
        cs.add(new Case("swish", nfs, 8.0 * nf, 0, () -> new Tensor[] {filled(d, 0.5, n, f)}, (be, x) -> be.activation(Activation.SWISH, 1, x[0])));
        cs.add(new Case("swish backward", nfs, 12.0 * nf, 0, () -> new Tensor[] {filled(d, 0.5, n, f), filled(d, 0.1, n, f)},
                (be, x) -> be.activationBackward(Activation.SWISH, 1, x[0], x[1])));
        cs.add(new Case("residual add", ncs, 12.0 * nc, 0, () -> new Tensor[] {filled(d, 0.5, n, c), filled(d, 0.1, n, c)},
                (be, x) -> be.binary(Binary.ADD, x[0], x[1])));
        cs.add(new Case("dropout mask p=0.1", nfs, 4.0 * nf, 0, () -> new Tensor[0], (be, x) -> be.dropoutMask(new int[] {n, f}, DType.F32, 0.1, 7)));
        cs.add(new Case("bias gradient (column sums)", nfs + " -> " + f, 4.0 * (nf + f), 0, () -> new Tensor[] {filled(d, 0.1, n, f)},
                (be, x) -> be.reduce(Reduce.SUM, x[0], new boolean[] {true, false})));
        cs.add(new Case("embedding gather", n + " ids of " + v + "x" + c, 4.0 * (2 * nc + n), 0,
                () -> new Tensor[] {filled(d, 0.1, v, c), ids(d, n, v)}, (be, x) -> be.embedding(x[0], x[1])));
        cs.add(new Case("embedding backward (atomics)", n + " ids of " + v + "x" + c, 4.0 * (2 * nc + n + (long) v * c), 0,
                () -> new Tensor[] {filled(d, 0.1, n, c), ids(d, n, v)}, (be, x) -> be.embeddingBackward(x[0], x[1], v)));
        cs.add(new Case("cross-entropy, full logits", n + "x" + v, 4.0 * nv, 0, () -> new Tensor[] {filled(d, 0.1, n, v), ids(d, n, v)},
                (be, x) -> be.crossEntropy(x[0], x[1], -100)));
        cs.add(new Case("cross-entropy backward", n + "x" + v, 8.0 * nv, 0, () -> {
            Tensor logits = filled(d, 0.1, n, v), targets = ids(d, n, v);
            Tensor[] r = Backends.forDevice(d).crossEntropy(logits, targets, -100);
            return new Tensor[] {logits, r[1], targets, r[0]};
        }, (be, x) -> be.crossEntropyBackward(x[0], x[1], x[2], -100, x[3])));
        cs.add(new Case("AdamW", p + " parameters", 4.0 * 7 * p, 0,
                () -> new Tensor[] {filled(d, 0.1, p), filled(d, 0.01, p), filled(d, 0, p), filled(d, 0, p)}, (be, x) -> {
                    be.adamw(x[0], x[1], x[2], x[3], 1e-4, 0.9, 0.999, 1e-8, 0.01, 0.1, 0.001);
                    return null;
                }));
        List<int[]> shapes = bertParameterShapes(Integer.parseInt(a.get("layers")), c, f, v);
        long total = shapes.stream().mapToLong(sh -> sh.length == 1 ? sh[0] : (long) sh[0] * sh[1]).sum();
        cs.add(new Case("AdamW, every BERT tensor, one call", String.format(Locale.ROOT, "%d tensors, %.1fM", shapes.size(), total / 1e6), 4.0 * 7 * total, 0,
                () -> {
                    List<Tensor> in = new ArrayList<>();
                    for (int[] sh : shapes) {
                        in.add(filled(d, 0.1, sh));
                        in.add(filled(d, 0.01, sh));
                        in.add(filled(d, 0, sh));
                        in.add(filled(d, 0, sh));
                    }
                    return in.toArray(Tensor[]::new);
                }, (be, x) -> {
                    List<Backend.AdamWUpdate> updates = new ArrayList<>();
                    for (int i = 0; i < x.length; i += 4) {
                        updates.add(new Backend.AdamWUpdate(x[i], x[i + 1], x[i + 2], x[i + 3], 1e-4, 0.9, 0.999, 1e-8, 0.01, 0.1, 0.001));
                    }
                    be.adamwAll(updates);
                    return null;
                }));
        cs.add(new Case("sum of squares (gradient norm)", p + " parameters", 4.0 * p, 0, () -> new Tensor[] {filled(d, 0.01, p)},
                (be, x) -> be.sumOfSquares(x[0])));
        return cs;
    }

    /** The parameter shapes of a BERT masked-LM (embeddings, layers, MLM head), as an optimizer step sees them. */
    static List<int[]> bertParameterShapes(int layers, int c, int f, int v) {
        List<int[]> s = new ArrayList<>(List.of(new int[] {v, c}, new int[] {512, c}, new int[] {2, c}, new int[] {c}, new int[] {c}));
        for (int l = 0; l < layers; l++) {
            for (int k = 0; k < 4; k++) {
                s.add(new int[] {c, c});
                s.add(new int[] {c});
            }
            s.addAll(List.of(new int[] {c}, new int[] {c}, new int[] {f, c}, new int[] {f}, new int[] {c, f}, new int[] {c},
                    new int[] {c}, new int[] {c}));
        }
        s.addAll(List.of(new int[] {c, c}, new int[] {c}, new int[] {c}, new int[] {c}, new int[] {v}));
        return s;
    }

    /** A device tensor of one value (filled on the device: no host copy of large inputs). */
    private static Tensor filled(Device d, double value, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, d, shape);
        Backends.forDevice(d).fill(t, value);
        return t;
    }

    /** n random ids in [0, vocab) on the device. */
    private static Tensor ids(Device d, int n, int vocab) {
        Rng rng = new Rng(3);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(vocab);
        return Tensor.ofInts(v, n).to(d);
    }
}
