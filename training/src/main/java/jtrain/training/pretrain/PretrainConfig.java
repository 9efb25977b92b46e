package jtrain.training.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jtrain.engine.io.Json;
import jtrain.transformer.BertConfig;

/**
 * Every option of a pretraining run. It is saved as the run folder's run_config.json, so a run can be resumed or
 * reproduced from that file alone.
 *
 * @param data         "default" (the standard pretraining corpus) or user files
 * @param tokenizer    a tokenizer folder, or null to train one on the training documents (null with init)
 * @param vocabSize    vocabulary of a trained tokenizer (0 with init or tokenizer: nothing is trained)
 * @param minFrequency minimum pair count of a trained tokenizer (0 with init or tokenizer)
 * @param model        tiny, mini, small, base, or "L,H,A,I" (layers, hidden, heads, intermediate); null with init
 * @param warmup       warm-up steps
 * @param logEvery     steps between metrics lines
 * @param saveEvery    steps between checkpoints (the last step is always saved)
 * @param keep         checkpoints kept (older ones are deleted)
 * @param init         the masked-LM folder (model and tokenizer) a continual-pretraining run starts from, or null to
 *                     start from random weights of the model's shape
 * @param initSha256   {@link jtrain.transformer.StateDict#sha256} of init's weights, recorded when the run starts
 *                     (null until then, and without init)
 * @param recompute    activation checkpointing: each encoder layer's forward pass runs again in backward instead of
 *                     keeping its activations (less memory, more time, the same results); a resumed run may switch it
 */
public record PretrainConfig(List<String> data, String tokenizer, int vocabSize, int minFrequency, String model,
                             int maxLen, int batch, int gradAccum, int steps, double lr, int warmup, String schedule,
                             double weightDecay, double clip, boolean wholeWord, int logEvery, int evalEvery,
                             int saveEvery, int keep, long seed, String device, String init, String initSha256,
                             boolean recompute) {

    public PretrainConfig {
        data = List.copyOf(data);
        if (data.isEmpty()) throw new IllegalArgumentException("--data needs 'default' or at least one file");
        if (init == null) {
            if (tokenizer == null) {
                positive("--vocab-size", vocabSize);
                positive("--min-frequency", minFrequency);
            }
            modelShape(model);
        } else if (model != null || tokenizer != null) {
            throw new IllegalArgumentException("--init " + init + " brings its own model and tokenizer; leave out --model and --tokenizer");
        }
        if (maxLen < 8) throw new IllegalArgumentException("--max-len must be at least 8, got " + maxLen);
        positive("--batch", batch);
        positive("--grad-accum", gradAccum);
        positive("--steps", steps);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        if (warmup < 0 || warmup > steps) throw new IllegalArgumentException("--warmup must be between 0 and --steps (" + steps + "), got " + warmup);
        if (!List.of("linear", "cosine", "constant").contains(schedule)) {
            throw new IllegalArgumentException("--schedule must be linear, cosine or constant, got '" + schedule + "'");
        }
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (!(clip >= 0)) throw new IllegalArgumentException("--clip must be >= 0 (0 = off), got " + clip);
        positive("--log-every", logEvery);
        positive("--eval-every", evalEvery);
        positive("--save-every", saveEvery);
        positive("--keep", keep);
        if (!device.equals("auto") && !device.equals("cpu") && !device.equals("cuda")) {
            throw new IllegalArgumentException("--device must be auto, cpu or cuda, got '" + device + "'");
        }
    }

    private static void positive(String option, int v) {
        if (v < 1) throw new IllegalArgumentException(option + " must be positive, got " + v);
    }

    /** Layers, hidden size, heads and intermediate size of a named or explicit model shape. */
    public static int[] modelShape(String model) {
        return switch (model.toLowerCase(Locale.ROOT)) {
            case "tiny" -> new int[] {2, 128, 2, 512};
            case "mini" -> new int[] {4, 256, 4, 1024};
            case "small" -> new int[] {4, 512, 8, 2048};
            case "base" -> new int[] {12, 768, 12, 3072};
            default -> {
                String[] parts = model.split(",");
                if (parts.length != 4) throw new IllegalArgumentException("--model must be tiny, mini, small, base or L,H,A,I, got '" + model + "'");
                int[] shape = new int[4];
                for (int i = 0; i < 4; i++) {
                    try {
                        shape[i] = Integer.parseInt(parts[i].trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--model L,H,A,I needs four integers, got '" + model + "'");
                    }
                    if (shape[i] < 1) throw new IllegalArgumentException("--model L,H,A,I needs positive sizes, got '" + model + "'");
                }
                if (shape[1] % shape[2] != 0) throw new IllegalArgumentException("--model " + model + ": hidden size " + shape[1] + " is not a multiple of the " + shape[2] + " heads");
                yield shape;
            }
        };
    }

    /** The shape of a run from random weights (a run with init takes the init folder's config.json). */
    public BertConfig bertConfig(int vocab) {
        if (init != null) throw new IllegalStateException("the model of a run with --init is the one in " + init);
        int[] s = modelShape(model);
        return BertConfig.of(vocab, s[0], s[1], s[2], s[3]).withMaxPositions(maxLen);
    }

    /** The same options with the init folder's weights identified (when the run starts). */
    public PretrainConfig withInitSha256(String sha256) {
        return new PretrainConfig(data, tokenizer, vocabSize, minFrequency, model, maxLen, batch, gradAccum, steps, lr, warmup,
                schedule, weightDecay, clip, wholeWord, logEvery, evalEvery, saveEvery, keep, seed, device, init, sha256, recompute);
    }

    /** The same options with activation checkpointing on or off (the results do not depend on it). */
    public PretrainConfig withRecompute(boolean on) {
        return new PretrainConfig(data, tokenizer, vocabSize, minFrequency, model, maxLen, batch, gradAccum, steps, lr, warmup,
                schedule, weightDecay, clip, wholeWord, logEvery, evalEvery, saveEvery, keep, seed, device, init, initSha256, on);
    }

    public MlmMasking masking() {
        return new MlmMasking(0.15, wholeWord);
    }

    public Pretrainer.Options options() {
        return new Pretrainer.Options(batch, gradAccum, steps, lr, warmup, schedule, weightDecay, clip, logEvery, evalEvery, seed, masking());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("data", data);
        if (init == null) {
            j.put("tokenizer", tokenizer);
            // null with --tokenizer, as in a fine-tuning run's file: no tokenizer is trained, so they set nothing
            j.put("vocab_size", tokenizer == null ? vocabSize : null);
            j.put("min_frequency", tokenizer == null ? minFrequency : null);
            j.put("model", model);
        } else {
            j.put("init", init);
            j.put("init_sha256", initSha256);
        }
        j.put("max_len", maxLen);
        j.put("batch", batch);
        j.put("grad_accum", gradAccum);
        j.put("steps", steps);
        j.put("lr", lr);
        j.put("warmup", warmup);
        j.put("schedule", schedule);
        j.put("weight_decay", weightDecay);
        j.put("clip", clip);
        j.put("whole_word", wholeWord);
        j.put("log_every", logEvery);
        j.put("eval_every", evalEvery);
        j.put("save_every", saveEvery);
        j.put("keep", keep);
        j.put("seed", seed);
        j.put("device", device);
        j.put("recompute", recompute);
        return j;
    }

    public static PretrainConfig fromJson(Map<String, Object> j, String source) {
        List<String> data = new ArrayList<>();
        if (!(req(j, "data", source) instanceof List<?> files)) throw wrongType(j, "data", "a list of file names", source);
        for (Object o : files) {
            if (!(o instanceof String file)) throw wrongType(j, "data", "a list of file names", source);
            data.add(file);
        }
        String init = optText(j, "init", source);
        // A run with --init takes its model and tokenizer from there: the options that shape them are absent. One with
        // --tokenizer trains none: its vocab_size and min_frequency are null (runs saved before recorded 8000 and 2).
        boolean shaped = init == null;
        String tokenizer = optText(j, "tokenizer", source);
        boolean trains = shaped && tokenizer == null;
        return new PretrainConfig(data, tokenizer, trains ? integer(j, "vocab_size", source) : 0,
                trains ? integer(j, "min_frequency", source) : 0, shaped ? text(j, "model", source) : optText(j, "model", source),
                integer(j, "max_len", source), integer(j, "batch", source), integer(j, "grad_accum", source), integer(j, "steps", source),
                num(j, "lr", source).doubleValue(), integer(j, "warmup", source), text(j, "schedule", source),
                num(j, "weight_decay", source).doubleValue(), num(j, "clip", source).doubleValue(), bool(j, "whole_word", source),
                integer(j, "log_every", source), integer(j, "eval_every", source), integer(j, "save_every", source),
                integer(j, "keep", source), longInteger(j, "seed", source), text(j, "device", source), init,
                optText(j, "init_sha256", source),
                j.get("recompute") != null && bool(j, "recompute", source)); // absent in runs started before the option existed
    }

    private static Object req(Map<String, Object> j, String key, String source) {
        if (!j.containsKey(key) || j.get(key) == null) throw new IllegalArgumentException(source + ": missing field '" + key + "'");
        return j.get(key);
    }

    private static Number num(Map<String, Object> j, String key, String source) {
        if (!(req(j, key, source) instanceof Number n)) throw wrongType(j, key, "a number", source);
        return n;
    }

    /** A whole number within int range (a saved "steps": 40.5 is an edit, not a step count). */
    private static int integer(Map<String, Object> j, String key, String source) {
        long v = longInteger(j, key, source);
        if (v != (int) v) throw wrongType(j, key, "a whole number of at most " + Integer.MAX_VALUE, source);
        return (int) v;
    }

    private static long longInteger(Map<String, Object> j, String key, String source) {
        Number n = num(j, key, source);
        if (n instanceof Long || n instanceof Integer) return n.longValue();
        double d = n.doubleValue(); // 40.0 is 40; 40.5 is an edit, not a count
        if (d != Math.rint(d) || Math.abs(d) > 0x1p53) throw wrongType(j, key, "a whole number", source);
        return (long) d;
    }

    private static String text(Map<String, Object> j, String key, String source) {
        if (!(req(j, key, source) instanceof String v)) throw wrongType(j, key, "a string", source);
        return v;
    }

    private static String optText(Map<String, Object> j, String key, String source) {
        return j.get(key) == null ? null : text(j, key, source);
    }

    private static boolean bool(Map<String, Object> j, String key, String source) {
        if (!(req(j, key, source) instanceof Boolean v)) throw wrongType(j, key, "true or false", source);
        return v;
    }

    private static IllegalArgumentException wrongType(Map<String, Object> j, String key, String expected, String source) {
        return new IllegalArgumentException(source + ": field '" + key + "' has the wrong type (" + Json.write(j.get(key)) + "; "
                + expected + " expected)");
    }
}
