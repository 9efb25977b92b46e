package jtrain.transformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jtrain.engine.io.Json;

/**
 * BERT hyper-parameters, read from and written to HuggingFace's config.json (same field names).
 *
 * @param vocabSize                 rows of the word embedding (30522 for bert-base-uncased)
 * @param hiddenSize                width C of every token vector (768 for base)
 * @param numHiddenLayers           encoder layers (12 for base)
 * @param numAttentionHeads         heads per layer; hiddenSize must be a multiple (12 for base)
 * @param intermediateSize          feed-forward inner width (3072 for base)
 * @param hiddenAct                 activation of the feed-forward block and the MLM head's transform (GELU for BERT)
 * @param hiddenDropoutProb         dropout on embeddings and sub-layer outputs (0.1)
 * @param attentionProbsDropoutProb dropout on attention probabilities (0.1)
 * @param maxPositionEmbeddings     longest sequence (512)
 * @param typeVocabSize             segment ids (2)
 * @param initializerRange          std of the N(0, std) weight initialisation (0.02)
 * @param layerNormEps              LayerNorm epsilon (1e-12)
 * @param padTokenId                id of [PAD], whose embedding row gets no gradient from the lookup (0); -1 for
 *                                  none (null in config.json)
 * @param classifierDropout         dropout before classification heads; null means hiddenDropoutProb
 * @param labels                    class names of a classification head in id order (id2label); may be empty
 * @param problemType               what a sequence classifier's outputs mean (problem_type), which decides its loss;
 *                                  null when the config names none (the loss then follows HF's inference, see
 *                                  {@link ProblemType#inferred})
 * @param extra                     other config.json fields, kept so a loaded config saves back unchanged
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        Activation hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double initializerRange,
        double layerNormEps,
        int padTokenId,
        Double classifierDropout,
        List<String> labels,
        ProblemType problemType,
        Map<String, Object> extra) {

    public BertConfig {
        String[] names = {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "max_position_embeddings", "type_vocab_size"};
        int[] sizes = {vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings, typeVocabSize};
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) throw new IllegalArgumentException(names[i] + " must be positive, got " + sizes[i]);
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        // Each of these sizes is the row count of a [rows, hidden_size] weight, which one tensor must be able to hold.
        for (int i : new int[] {0, 1, 4, 5, 6}) {
            if ((long) sizes[i] * hiddenSize > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(names[i] + " " + sizes[i] + " makes a [" + sizes[i] + ", " + hiddenSize
                        + "] weight, more than the 2^31-1 elements a tensor holds");
            }
        }
        if (padTokenId < -1 || padTokenId >= vocabSize) { // -1: no padding row
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " is not a token id (vocab_size is " + vocabSize + ")");
        }
        // NaN fails every comparison, so each check is written to be true only for valid values.
        if (!(layerNormEps > 0 && layerNormEps < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("layer_norm_eps must be a positive finite number, got " + layerNormEps);
        }
        if (!(initializerRange >= 0 && initializerRange < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("initializer_range must be a finite number >= 0, got " + initializerRange);
        }
        requireProbability("hidden_dropout_prob", hiddenDropoutProb);
        requireProbability("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout != null) requireProbability("classifier_dropout", classifierDropout);
        Objects.requireNonNull(hiddenAct, "hidden_act");
        labels = labels == null ? List.of() : List.copyOf(labels);
        Map<String, Integer> ids = new java.util.HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            Integer first = ids.putIfAbsent(labels.get(i), i);
            if (first != null) {
                throw new IllegalArgumentException("id2label gives the label \"" + labels.get(i) + "\" to ids " + first + " and " + i
                        + " (labels must be distinct)");
            }
        }
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra)); // JSON nulls allowed
    }

    /** A dropout probability, in [0, 1) as the dropout op takes it. */
    private static void requireProbability(String field, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(field + " must be in [0, 1), got " + p);
    }

    /** A config with BERT's usual defaults for the given sizes (dropout 0.1, 512 positions). */
    public static BertConfig of(int vocab, int layers, int hidden, int heads, int intermediate) {
        return new BertConfig(vocab, hidden, layers, heads, intermediate, Activation.GELU, 0.1, 0.1, 512, 2, 0.02, 1e-12, 0, null, List.of(), null, Map.of());
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    public BertConfig withLabels(List<String> names) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                classifierDropout, names, problemType, extra);
    }

    /** This config with problem_type set (null: none, so the loss follows HF's inference). */
    public BertConfig withProblemType(ProblemType type) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                classifierDropout, labels, type, extra);
    }

    public BertConfig withDropout(double hidden, double attention) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct, hidden,
                attention, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                classifierDropout, labels, problemType, extra);
    }

    public BertConfig withMaxPositions(int positions) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, positions, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                classifierDropout, labels, problemType, extra);
    }

    public BertConfig withHiddenAct(Activation act) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, act, hiddenDropoutProb,
                attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                classifierDropout, labels, problemType, extra);
    }

    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    // ---- config.json ---------------------------------------------------------------------------------------

    private static final List<String> KNOWN = List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
            "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id", "classifier_dropout",
            "position_embedding_type", "id2label", "label2id", "num_labels", "model_type", "is_decoder", "add_cross_attention",
            "problem_type");

    public static BertConfig read(Path file) throws IOException {
        Map<String, Object> json;
        try {
            json = Json.readObject(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "not found");
        }
        return fromJson(json, file.toString());
    }

    /** Parses an HF config object; unsupported settings are errors that name the field and the file. */
    public static BertConfig fromJson(Map<String, Object> j, String source) {
        requireValue(j, "position_embedding_type", "absolute", source, "only absolute position embeddings are implemented");
        requireValue(j, "model_type", "bert", source, "only BERT models are supported");
        if (Boolean.TRUE.equals(j.get("is_decoder")) || Boolean.TRUE.equals(j.get("add_cross_attention"))) {
            throw new IllegalArgumentException(source + ": is_decoder/add_cross_attention are not supported (encoder-only BERT)");
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        j.forEach((k, v) -> {
            if (!KNOWN.contains(k)) extra.put(k, v);
        });
        try {
            return fromFields(j, source, extra);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(source) ? e : new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static BertConfig fromFields(Map<String, Object> j, String source, Map<String, Object> extra) {
        Object cd = j.get("classifier_dropout");
        return new BertConfig(
                intField(j, "vocab_size", 30522, source),
                intField(j, "hidden_size", 768, source),
                intField(j, "num_hidden_layers", 12, source),
                intField(j, "num_attention_heads", 12, source),
                intField(j, "intermediate_size", 3072, source),
                activation(j, source),
                doubleField(j, "hidden_dropout_prob", 0.1, source),
                doubleField(j, "attention_probs_dropout_prob", 0.1, source),
                intField(j, "max_position_embeddings", 512, source),
                intField(j, "type_vocab_size", 2, source),
                doubleField(j, "initializer_range", 0.02, source),
                doubleField(j, "layer_norm_eps", 1e-12, source),
                padTokenId(j, intField(j, "vocab_size", 30522, source), source),
                cd == null ? null : doubleField(j, "classifier_dropout", 0.1, source),
                readLabels(j, source),
                problemType(j, source),
                extra);
    }

    /**
     * pad_token_id as HF's embedding takes it: absent is 0 (BertConfig's default), null is no padding row (-1 here), and
     * a negative id counts from the end of the vocabulary, as torch's nn.Embedding reads a negative padding_idx.
     */
    private static int padTokenId(Map<String, Object> j, int vocabSize, String source) {
        if (!j.containsKey("pad_token_id")) return 0;
        if (j.get("pad_token_id") == null) return -1;
        int id = intField(j, "pad_token_id", 0, source);
        return id < 0 && id >= -vocabSize ? vocabSize + id : id;
    }

    private static void requireValue(Map<String, Object> j, String key, String expected, String source, String why) {
        Object v = j.get(key);
        if (v != null && !expected.equals(v)) {
            throw new IllegalArgumentException(source + ": unsupported " + key + " \"" + v + "\" (" + why + ")");
        }
    }

    /** problem_type, null when absent or null (as HF, which then infers it from the labels). */
    private static ProblemType problemType(Map<String, Object> j, String source) {
        Object v = j.get("problem_type");
        if (v == null) return null;
        if (!(v instanceof String name)) {
            throw new IllegalArgumentException(source + ": field 'problem_type' must be a string such as \"regression\", got " + v);
        }
        return ProblemType.fromHfName(name, source);
    }

    /** hidden_act, "gelu" when absent (HF's default). */
    private static Activation activation(Map<String, Object> j, String source) {
        Object v = j.get("hidden_act");
        if (v == null) return Activation.GELU;
        if (!(v instanceof String name)) {
            throw new IllegalArgumentException(source + ": field 'hidden_act' must be an activation name such as \"gelu\", got " + v);
        }
        return Activation.fromHfName(name, source);
    }

    private static int intField(Map<String, Object> j, String key, Integer def, String source) {
        Object v = j.get(key);
        if (v == null) {
            if (def == null) throw new IllegalArgumentException(source + ": missing field '" + key + "'");
            return def;
        }
        // The value as written in JSON (a string keeps its quotes), so "64" shows it is a string, not a number.
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException(source + ": field '" + key + "' must be an integer, got " + Json.write(v));
        }
        if (n.doubleValue() < Integer.MIN_VALUE || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(source + ": field '" + key + "' is " + Json.write(v)
                    + ", beyond the integers jtrain takes (at most " + Integer.MAX_VALUE + ")");
        }
        return n.intValue();
    }

    private static double doubleField(Map<String, Object> j, String key, double def, String source) {
        Object v = j.get(key);
        if (v == null) return def;
        if (!(v instanceof Number n)) throw new IllegalArgumentException(source + ": field '" + key + "' must be a number, got " + Json.write(v));
        return n.doubleValue();
    }

    /**
     * id2label's names in id order. Without it, as HF: num_labels names LABEL_0, LABEL_1, ...; or, for a classifier
     * (architectures says so), HF's default of two; else none (a masked-LM or bare encoder config).
     */
    @SuppressWarnings("unchecked")
    private static List<String> readLabels(Map<String, Object> j, String source) {
        Object v = j.get("id2label");
        if (!(v instanceof Map<?, ?> m) || m.isEmpty()) {
            int n = j.get("num_labels") != null ? intField(j, "num_labels", 2, source) : isClassifier(j) ? 2 : 0;
            if (n < 0) throw new IllegalArgumentException(source + ": num_labels must not be negative, got " + n);
            return java.util.stream.IntStream.range(0, n).mapToObj(i -> "LABEL_" + i).toList();
        }
        String[] names = new String[m.size()];
        for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(source + ": id2label key '" + e.getKey() + "' is not an integer");
            }
            if (id < 0 || id >= names.length) throw new IllegalArgumentException(source + ": id2label ids must be 0.." + (names.length - 1));
            if (names[id] != null) throw new IllegalArgumentException(source + ": id2label gives id " + id + " twice"); // "1" and "01"
            names[id] = String.valueOf(e.getValue());
        }
        return List.of(names);
    }

    private static boolean isClassifier(Map<String, Object> j) {
        return j.get("architectures") instanceof List<?> archs && archs.stream().map(String::valueOf)
                .anyMatch(a -> a.endsWith("ForSequenceClassification") || a.endsWith("ForTokenClassification"));
    }

    /** The config.json object (HF field names), for the given architecture ("BertForMaskedLM", ...). */
    public Map<String, Object> toJson(String architecture) {
        Map<String, Object> j = new LinkedHashMap<>(extra);
        j.put("architectures", List.of(architecture));
        j.put("model_type", "bert");
        j.put("vocab_size", vocabSize);
        j.put("hidden_size", hiddenSize);
        j.put("num_hidden_layers", numHiddenLayers);
        j.put("num_attention_heads", numAttentionHeads);
        j.put("intermediate_size", intermediateSize);
        j.put("hidden_act", hiddenAct.hfName());
        j.put("hidden_dropout_prob", hiddenDropoutProb);
        j.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        j.put("max_position_embeddings", maxPositionEmbeddings);
        j.put("type_vocab_size", typeVocabSize);
        j.put("initializer_range", initializerRange);
        j.put("layer_norm_eps", layerNormEps);
        j.put("pad_token_id", padTokenId >= 0 ? padTokenId : null); // null: no padding row, as HF reads it
        j.put("position_embedding_type", "absolute");
        j.put("classifier_dropout", classifierDropout);
        j.putIfAbsent("tie_word_embeddings", true); // a loaded classifier's own value is kept
        if (problemType != null) j.put("problem_type", problemType.hfName); // absent when unset, as HF saves it
        if (!labels.isEmpty()) {
            Map<String, Object> id2label = new LinkedHashMap<>(), label2id = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(Integer.toString(i), labels.get(i));
                label2id.put(labels.get(i), i);
            }
            j.put("id2label", id2label);
            j.put("label2id", label2id);
        }
        return j;
    }

    public void write(Path file, String architecture) throws IOException {
        Files.writeString(file, Json.writePretty(toJson(architecture)));
    }
}
