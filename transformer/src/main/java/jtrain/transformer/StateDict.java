package jtrain.transformer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jtrain.engine.Autograd;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backends;
import jtrain.engine.io.TensorSpec;
import jtrain.transformer.nn.Module;

/**
 * Loading checkpoint tensors into a model by HF parameter name. Values are copied into the model's own tensors
 * (so optimizers keep their references). Names are matched the way HF does: with or without the "bert." prefix,
 * old LayerNorm "gamma"/"beta" as "weight"/"bias", and the tied MLM decoder weight taken as the word embedding.
 */
public final class StateDict {
    private StateDict() {}

    /**
     * What loading found: parameters with no tensor, tensors with no parameter, shape conflicts, and integer tensors
     * where the model has floating-point weights (or the reverse), which are not converted.
     */
    public record Report(List<String> missing, List<String> unexpected, List<String> mismatched, List<String> mistyped) {
        /** Throws unless every parameter was loaded except those under one of the allowed prefixes. */
        public void requireLoaded(String source, String... newlyInitialisedPrefixes) {
            if (!mistyped.isEmpty()) throw new IllegalArgumentException(source + ": " + firstFew(mistyped));
            if (!mismatched.isEmpty()) throw new IllegalArgumentException(source + ": tensors do not fit the config: " + firstFew(mismatched));
            List<String> realMissing = missing.stream()
                    .filter(n -> Arrays.stream(newlyInitialisedPrefixes).noneMatch(n::startsWith)).toList();
            if (!realMissing.isEmpty()) {
                throw new IllegalArgumentException(source + ": missing tensors " + summarise(realMissing));
            }
        }

        /** As {@link #requireLoaded}, and no tensor left over either: a checkpoint of this very model (a resumed run). */
        public void requireExact(String source) {
            requireLoaded(source);
            if (!unexpected.isEmpty()) throw new IllegalArgumentException(source + ": tensors the model does not have " + summarise(unexpected));
        }

        /**
         * A one-line note naming the checkpoint's tensors the model did not use, as HF warns "Some weights of the
         * checkpoint were not used"; null when there are none. Those under expectedPrefixes (with or without "bert."),
         * a head the model does not have by design, are left out.
         */
        public String unusedNote(String source, String... expectedPrefixes) {
            List<String> unused = unexpected.stream().filter(n -> Arrays.stream(expectedPrefixes)
                    .noneMatch(p -> n.startsWith(p) || ("bert." + n).startsWith(p))).toList();
            if (unused.isEmpty()) return null;
            return "note: " + source + ": " + (unused.size() == 1 ? "1 tensor" : unused.size() + " tensors")
                    + " not used by the model (ignored): " + summarise(unused);
        }

        private static String firstFew(List<String> problems) {
            return String.join("; ", problems.subList(0, Math.min(4, problems.size())))
                    + (problems.size() > 4 ? "; and " + (problems.size() - 4) + " more" : "");
        }

        private static String summarise(List<String> names) {
            return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
        }
    }

    public static Report load(Module model, Map<String, Tensor> checkpoint) {
        Map<String, Tensor> params = model.namedParameters();
        Map<String, String> fitting = new LinkedHashMap<>(); // the model's name -> the checkpoint's, type and shape agreeing
        Report r = match(specs(params), specs(checkpoint), fitting);
        try (var ng = Autograd.noGrad()) {
            fitting.forEach((name, key) -> {
                Tensor dst = params.get(name);
                Backends.of(dst).copy(checkpoint.get(key).to(dst.dtype()).to(dst.device()), dst);
                dst.markModified();
            });
        }
        return r;
    }

    /**
     * What {@link #load} would report, from types and shapes alone: a model's parameters (as its config gives them,
     * before it is built) against what a checkpoint's header says of its tensors, so that a command can refuse a
     * checkpoint before slow work without reading or building anything large.
     */
    public static Report check(Map<String, TensorSpec> params, Map<String, TensorSpec> checkpoint) {
        return match(params, checkpoint, new LinkedHashMap<>());
    }

    private static Report match(Map<String, TensorSpec> params, Map<String, TensorSpec> checkpoint, Map<String, String> fitting) {
        Map<String, String> keyOf = new LinkedHashMap<>(); // the model's name -> the checkpoint's
        List<String> unexpected = new ArrayList<>();
        for (String key : checkpoint.keySet()) {
            String name = canonical(key, params);
            if (name == null) {
                if (!isTiedAlias(key) && !isHfBuffer(key)) unexpected.add(key);
            } else {
                keyOf.put(name, key);
            }
        }
        List<String> missing = new ArrayList<>(), mismatched = new ArrayList<>(), mistyped = new ArrayList<>();
        for (Map.Entry<String, TensorSpec> p : params.entrySet()) {
            String key = keyOf.get(p.getKey());
            TensorSpec src = key == null ? null : checkpoint.get(key);
            TensorSpec dst = p.getValue();
            if (src == null) {
                missing.add(p.getKey());
            } else if (src.dtype().floating != dst.dtype().floating) {
                // Float types convert (F16, BF16, F64 -> F32); integers in place of weights are a wrong tensor, not a format.
                // Integers are held as I32 once read (I64 is narrowed on reading), so the file's type is one of two.
                mistyped.add("tensor '" + key + "' " + (src.dtype().floating ? "is " + src.dtype() : "holds integers (I32 or I64 in the file)")
                        + " where the model expects " + dst.dtype() + (dst.dtype().floating ? " weights" : " integers"));
            } else if (!Arrays.equals(src.shape(), dst.shape())) {
                mismatched.add(p.getKey() + " is " + Arrays.toString(src.shape()) + " in the checkpoint but "
                        + Arrays.toString(dst.shape()) + " in the model");
            } else {
                fitting.put(p.getKey(), key);
            }
        }
        return new Report(missing, unexpected, mismatched, mistyped);
    }

    private static Map<String, TensorSpec> specs(Map<String, Tensor> tensors) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(name, TensorSpec.of(t)));
        return out;
    }

    /** The model's name for a checkpoint key, or null when the model has no such parameter. */
    private static String canonical(String key, Map<String, ?> params) {
        String k = key.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias");
        if (params.containsKey(k)) return k;
        if (params.containsKey("bert." + k)) return "bert." + k;
        if (k.startsWith("bert.") && params.containsKey(k.substring(5))) return k.substring(5);
        return null;
    }

    /** The MLM decoder's weight is the word embedding and its bias is cls.predictions.bias: nothing to load. */
    private static boolean isTiedAlias(String key) {
        return key.equals("cls.predictions.decoder.weight") || key.equals("cls.predictions.decoder.bias");
    }

    /** HF's BertEmbeddings buffers, which older transformers saved with the weights; HF ignores them when loading too. */
    private static boolean isHfBuffer(String key) {
        return key.endsWith("embeddings.position_ids") || key.endsWith("embeddings.token_type_ids");
    }

    /**
     * A SHA-256 of the model's weights: each parameter's name, shape and float32 values, in name order. It identifies
     * the weights whatever file format or sharding they were read from.
     */
    public static String sha256(Module model) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (Map.Entry<String, Tensor> p : new TreeMap<>(model.namedParameters()).entrySet()) {
            md.update((p.getKey() + Arrays.toString(p.getValue().shape())).getBytes(StandardCharsets.UTF_8));
            float[] values = p.getValue().toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            md.update(bytes);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The model's tensors by HF name, ready to save (tied decoder omitted, as HF saves it). */
    public static Map<String, Tensor> of(Module model) {
        return new LinkedHashMap<>(model.namedParameters());
    }
}
