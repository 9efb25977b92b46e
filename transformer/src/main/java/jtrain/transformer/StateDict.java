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
import jtrain.transformer.nn.Module;

/**
 * Loading checkpoint tensors into a model by HF parameter name. Values are copied into the model's own tensors
 * (so optimizers keep their references). Names are matched the way HF does: with or without the "bert." prefix,
 * old LayerNorm "gamma"/"beta" as "weight"/"bias", and the tied MLM decoder weight taken as the word embedding.
 */
public final class StateDict {
    private StateDict() {}

    /** What loading found: parameters with no tensor, tensors with no parameter, and shape conflicts. */
    public record Report(List<String> missing, List<String> unexpected, List<String> mismatched) {
        /** Throws unless every parameter was loaded except those under one of the allowed prefixes. */
        public void requireLoaded(String source, String... newlyInitialisedPrefixes) {
            if (!mismatched.isEmpty()) {
                String listed = String.join("; ", mismatched.subList(0, Math.min(4, mismatched.size())));
                throw new IllegalArgumentException(source + ": tensors do not fit the config: " + listed
                        + (mismatched.size() > 4 ? "; and " + (mismatched.size() - 4) + " more" : ""));
            }
            List<String> realMissing = missing.stream()
                    .filter(n -> Arrays.stream(newlyInitialisedPrefixes).noneMatch(n::startsWith)).toList();
            if (!realMissing.isEmpty()) {
                throw new IllegalArgumentException(source + ": missing tensors " + summarise(realMissing));
            }
        }

        private static String summarise(List<String> names) {
            return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
        }
    }

    public static Report load(Module model, Map<String, Tensor> checkpoint) {
        Map<String, Tensor> params = model.namedParameters();
        Map<String, Tensor> byName = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : checkpoint.entrySet()) {
            String name = canonical(e.getKey(), params);
            if (name == null) {
                if (!isTiedAlias(e.getKey())) unexpected.add(e.getKey());
            } else {
                byName.put(name, e.getValue());
            }
        }
        List<String> missing = new ArrayList<>(), mismatched = new ArrayList<>();
        try (var ng = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> p : params.entrySet()) {
                Tensor src = byName.get(p.getKey());
                Tensor dst = p.getValue();
                if (src == null) {
                    missing.add(p.getKey());
                } else if (!Arrays.equals(src.shape(), dst.shape())) {
                    mismatched.add(p.getKey() + " is " + Arrays.toString(src.shape()) + " in the checkpoint but "
                            + Arrays.toString(dst.shape()) + " in the model");
                } else {
                    Backends.of(dst).copy(src.to(dst.dtype()).to(dst.device()), dst);
                    dst.markModified();
                }
            }
        }
        return new Report(missing, unexpected, mismatched);
    }

    /** The model's name for a checkpoint key, or null when the model has no such parameter. */
    private static String canonical(String key, Map<String, Tensor> params) {
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
