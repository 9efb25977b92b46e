package jtrain.training.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jtrain.engine.backend.ProfilingBackend;
import jtrain.engine.io.Json;
import jtrain.cuda.BertStepBench;
import jtrain.cuda.Devices;
import jtrain.training.bench.TrainStepBench;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.transformer.Activation;

/** {@code ./trainer bench}: throughput of full masked-LM training steps, with a per-primitive time breakdown. */
public final class BenchCommand {
    static final String USAGE = """
            usage: ./trainer bench [--model tiny|mini|small|base|L,H,A,I] [options]
              --model M          encoder shape [mini]           --vocab V  vocabulary [8192]
              --act NAME         hidden_act, any config.json name (gelu, gelu_new, quick_gelu, silu, ...) [gelu]
              --batch B [32]     --seq T [128]                  --steps N  timed steps [5]   --warmup N [2]
              --device cpu|cuda [cpu]                           --precision fp32|tf32|bf16 [fp32]
              --sparse           logits only at the labelled 15% (our pretraining loss); default: every position,
                                 like PyTorch's reference script
              --recompute        activation checkpointing: each encoder layer runs again in backward instead of
                                 keeping its activations (compare the memory line and the step time without it)
              --no-profile       skip the per-primitive breakdown     --json  one JSON object on stdout
            Times forward + backward + AdamW on one random batch after warm-up: tokens/s, step time, GFLOP/s counted
            by the engine, MFU against this machine's SGEMM peak (best of 16 SGEMMs 1024^3, before and after the steps),
            peak memory, GC.""";

    private BenchCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return bench(args, out);
        } catch (IllegalArgumentException | IllegalStateException e) {
            Main.printError(err, "trainer bench: " + e.getMessage(), e);
            return 2;
        }
    }

    private static int bench(String[] args, PrintStream out) {
        String model = "mini", device = "cpu", precision = "fp32";
        Activation act = Activation.GELU;
        int vocab = 8192, batch = 32, seq = 128, steps = 5, warmup = 2;
        boolean json = false, sparse = false, profile = true, recompute = false;
        CliArgs a = new CliArgs(args);
        while (a.hasNext()) {
            String o = a.next();
            switch (o) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--model" -> model = a.value(o);
                case "--act" -> act = Activation.fromHfName(a.value(o), "--act");
                case "--vocab" -> vocab = CliArgs.integer(o, a.value(o));
                case "--batch" -> batch = CliArgs.integer(o, a.value(o));
                case "--seq" -> seq = CliArgs.integer(o, a.value(o));
                case "--steps" -> steps = CliArgs.integer(o, a.value(o));
                case "--warmup" -> warmup = CliArgs.integer(o, a.value(o));
                case "--device" -> device = a.value(o);
                case "--precision" -> precision = a.value(o);
                case "--sparse" -> sparse = true;
                case "--recompute" -> recompute = true;
                case "--no-profile" -> profile = false;
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + o + "\n" + USAGE);
            }
        }
        if (vocab < 6 || batch < 1 || seq < 1 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --vocab >= 6, --batch, --seq, --steps >= 1 and --warmup >= 0, got --vocab " + vocab
                    + " --batch " + batch + " --seq " + seq + " --steps " + steps + " --warmup " + warmup);
        }
        int[] s = PretrainConfig.modelShape(model);
        checkSizes(s, vocab, batch, seq);
        checkDevice(device, precision);
        if (device.equals("cuda")) {
            // The GPU step benchmark (jtrain.cuda.BertStepBench) prints one JSON line per precision.
            BertStepBench.main(new String[] {"--model", s[0] + "," + s[1] + "," + s[2] + "," + s[3], "--vocab", String.valueOf(vocab), "--batch", String.valueOf(batch),
                    "--seq", String.valueOf(seq), "--steps", String.valueOf(steps), "--warmup", String.valueOf(warmup),
                    "--modes", precision, "--loss", sparse ? "sparse" : "full", "--act", act.hfName(), "--recompute", String.valueOf(recompute)});
            return 0;
        }
        var r = TrainStepBench.run(new TrainStepBench.Options(s[0], s[1], s[2], s[3], act, vocab, batch, seq, warmup, steps, sparse, profile, recompute));
        out.print(json ? Json.write(toJson(model, r)) + "\n" : text(model, r));
        return 0;
    }

    /**
     * The step's largest tensors must each fit in one (at most 2^31-1 elements): the logits (batch * seq, vocab) and
     * the attention scores (batch, heads, seq, seq). Checked before anything is built, so a size that cannot run says
     * which tensor and why, rather than failing inside a kernel (batch * seq overflowing an int, for one).
     */
    static void checkSizes(int[] shape, int vocab, int batch, int seq) {
        long tokens = (long) batch * seq, logits = tokens * vocab, scores = tokens * shape[2] * seq;
        if (logits > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--batch %d x --seq %d x --vocab %d makes logits of %,d elements, more than"
                    + " the 2^31-1 a tensor holds; use a smaller batch, sequence or vocabulary", batch, seq, vocab, logits));
        }
        if (scores > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--batch %d x %d heads x --seq %d x --seq %d makes attention scores of %,d"
                    + " elements, more than the 2^31-1 a tensor holds; use a smaller batch or sequence", batch, shape[2], seq, seq, scores));
        }
    }

    /** Only fp32 on the CPU; fp32, tf32 or bf16 on the GPU. */
    private static void checkDevice(String device, String precision) {
        if (!List.of("fp32", "tf32", "bf16").contains(precision)) {
            throw new IllegalArgumentException("--precision must be fp32, tf32 or bf16, got '" + precision + "'");
        }
        switch (device) {
            case "cpu" -> {
                if (!precision.equals("fp32")) throw new IllegalArgumentException("--precision " + precision + " needs --device cuda; the CPU computes in fp32");
            }
            case "cuda" -> Devices.select("cuda"); // throws with the reason when no GPU works
            default -> throw new IllegalArgumentException("--device must be cpu or cuda, got '" + device + "'");
        }
    }

    private static String text(String model, TrainStepBench.Result r) {
        var o = r.options();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "BERT %s (%d layers, hidden %d, %d heads, FFN %d, %s; %,d parameters), vocab %d, batch %d x seq %d%n",
                model, o.layers(), o.hidden(), o.heads(), o.intermediate(), o.act().hfName(), r.parameters(), o.vocab(), o.batch(), o.seq()));
        sb.append(String.format(Locale.ROOT, "cpu, %s backend, %d threads, fp32; MLM loss on %s; %d warm-up + %d timed steps%s%n",
                r.backend(), r.threads(), o.sparse() ? "labelled positions only (sparse)" : "logits at every position", o.warmup(), o.steps(),
                o.recompute() ? "; activation checkpointing (each layer recomputed in backward, not counted in GFLOP/s)" : ""));
        sb.append(String.format(Locale.ROOT, "tokens/s    %,.0f%n", r.tokensPerS()));
        sb.append(String.format(Locale.ROOT, "step        %.1f ms (fastest %.1f ms)%n", r.stepMs(), r.minStepMs()));
        sb.append(String.format(Locale.ROOT, "GFLOP/s     %.1f (%.1f GFLOP per step, counted by the engine from the matrix products it ran)%n",
                r.gflops(), r.flopsPerStep() / 1e9));
        sb.append(String.format(Locale.ROOT, "MFU         %.1f%% of %.1f GFLOP/s (best of 16 SGEMMs %d^3 on this machine, before and after the steps)%n",
                100 * r.mfu(), r.peakGflops(), 1024));
        sb.append(String.format(Locale.ROOT, "memory      peak RSS (VmHWM) %,d MB; live heap at the end of forward %,d MB (after a full GC);"
                + " peak heap in use after any GC %,d MB%n", r.peakRssBytes() >> 20, r.liveHeapAfterForwardBytes() >> 20, r.peakHeapAfterGcBytes() >> 20));
        sb.append(String.format(Locale.ROOT, "GC          %d collections, %d ms in the timed steps (%.1f%%)%n",
                r.gcCount(), r.gcMs(), 100.0 * r.gcMs() / (r.stepMs() * o.steps())));
        if (r.pageFaults() >= 0) {
            sb.append(String.format(Locale.ROOT, "page faults %,d in the timed steps (memory the OS mapped on first touch: %,d MB at 4 KiB a page)%n",
                    r.pageFaults(), r.pageFaults() * 4096 >> 20));
        }
        sb.append(String.format(Locale.ROOT, "loss        %.4f%n", r.loss()));
        if (!r.table().isEmpty()) sb.append("\ntime per step by primitive (share of the step):\n").append(r.table());
        return sb.toString();
    }

    static Map<String, Object> toJson(String model, TrainStepBench.Result r) {
        var o = r.options();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        j.put("layers", o.layers());
        j.put("hidden", o.hidden());
        j.put("heads", o.heads());
        j.put("intermediate", o.intermediate());
        j.put("hidden_act", o.act().hfName());
        j.put("vocab", o.vocab());
        j.put("batch", o.batch());
        j.put("seq", o.seq());
        j.put("loss_positions", o.sparse() ? "labelled" : "all");
        j.put("recompute", o.recompute());
        j.put("parameters", r.parameters());
        j.put("backend", r.backend());
        j.put("threads", r.threads());
        j.put("warmup", o.warmup());
        j.put("steps", o.steps());
        j.put("tokens_per_s", round(r.tokensPerS(), 1));
        j.put("step_ms", round(r.stepMs(), 2));
        j.put("min_step_ms", round(r.minStepMs(), 2));
        j.put("gflops", round(r.gflops(), 2));
        j.put("flops_per_step", r.flopsPerStep());
        j.put("peak_gflops", round(r.peakGflops(), 1));
        j.put("mfu", round(r.mfu(), 4));
        j.put("peak_rss_mb", r.peakRssBytes() >> 20);
        j.put("live_heap_after_forward_mb", r.liveHeapAfterForwardBytes() >> 20);
        j.put("peak_heap_after_gc_mb", r.peakHeapAfterGcBytes() >> 20);
        j.put("gc_count", r.gcCount());
        j.put("gc_ms", r.gcMs());
        j.put("page_faults", r.pageFaults());
        j.put("loss", r.loss());
        List<Object> rows = new ArrayList<>();
        for (ProfilingBackend.Entry e : r.breakdown()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("phase", e.phase());
            row.put("op", e.op());
            row.put("calls_per_step", (double) e.calls() / o.steps());
            row.put("ms_per_step", round(e.nanos() / 1e6 / o.steps(), 3));
            rows.add(row);
        }
        j.put("breakdown", rows);
        // The rest of the step: autograd bookkeeping, views and the model's own Java code.
        double inside = r.breakdown().stream().mapToLong(ProfilingBackend.Entry::nanos).sum() / 1e6 / o.steps();
        j.put("outside_primitives_ms_per_step", r.breakdown().isEmpty() ? null : round(r.stepMs() - inside, 3));
        return j;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
