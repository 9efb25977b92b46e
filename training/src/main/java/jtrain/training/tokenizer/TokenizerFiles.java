package jtrain.training.tokenizer;

import static jtrain.training.tokenizer.JsonFields.bool;
import static jtrain.training.tokenizer.JsonFields.str;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;

/**
 * Reads and writes tokenizers in HuggingFace's on-disk formats: tokenizer.json (the `tokenizers` library),
 * vocab.txt (the original BERT release) and the transformers side files tokenizer_config.json and
 * special_tokens_map.json. Problems are reported as IllegalArgumentException naming the file.
 */
public final class TokenizerFiles {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String VOCAB_TXT = "vocab.txt";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    private TokenizerFiles() {}

    /**
     * Loads a model folder: tokenizer.json when present (it holds the full setup; the casing settings and special
     * token names that tokenizer_config.json and special_tokens_map.json give override it, as in transformers), else
     * vocab.txt.
     */
    public static BertTokenizer load(Path dir) {
        if (Files.isRegularFile(dir)) throw new IllegalArgumentException(dir + " is a file; a tokenizer or model folder is needed");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("tokenizer folder " + dir + " does not exist");
        Path json = dir.resolve(TOKENIZER_JSON);
        if (Files.isRegularFile(json)) {
            BertTokenizer tok = loadTokenizerJson(json);
            BertNormalizer normalizer = casing(dir, tok.normalizer());
            SpecialTokens named = namedSpecials(dir, tok.specialTokens());
            return named.equals(tok.specialTokens()) && normalizer.equals(tok.normalizer()) ? tok
                    : new BertTokenizer(normalizer, tok.model(), named, java.util.Set.copyOf(tok.literalSpecialTokens()), tok.addedTokens());
        }
        Path vocab = dir.resolve(VOCAB_TXT);
        if (Files.isRegularFile(vocab)) return loadVocabTxt(vocab);
        throw new IllegalArgumentException(dir + " holds neither " + TOKENIZER_JSON + " nor " + VOCAB_TXT + runFolderHint(dir));
    }

    /** For a training run's folder given instead of its tokenizer/ (or checkpoints/): where its tokenizer is. */
    private static String runFolderHint(Path dir) {
        for (String sub : new String[] {"tokenizer", "model", "checkpoints"}) {
            Path inside = dir.resolve(sub);
            if (sub.equals("checkpoints")) inside = latestCheckpoint(inside);
            if (inside != null && (Files.isRegularFile(inside.resolve(TOKENIZER_JSON)) || Files.isRegularFile(inside.resolve(VOCAB_TXT)))) {
                return " (it holds a run: its tokenizer is in " + inside + ")";
            }
        }
        return "";
    }

    private static Path latestCheckpoint(Path checkpoints) {
        try {
            return jtrain.transformer.HfCheckpoint.latestIn(checkpoints);
        } catch (IOException e) {
            return null; // only a hint
        }
    }

    /**
     * Loads vocab.txt. The casing setup comes from a tokenizer_config.json beside it when there is one
     * (do_lower_case, strip_accents, tokenize_chinese_chars), else the uncased BERT defaults.
     */
    public static BertTokenizer loadVocabTxt(Path vocabFile) {
        Vocab vocab = Vocab.readVocabTxt(vocabFile);
        BertNormalizer normalizer = casing(vocabFile.toAbsolutePath().getParent(), BertNormalizer.UNCASED);
        SpecialTokens specials = namedSpecials(vocabFile.toAbsolutePath().getParent(), SpecialTokens.BERT);
        String unk = specials.unk();
        if (!vocab.contains(unk)) throw new IllegalArgumentException(vocabFile + ": the unknown token '" + unk + "' is not in the vocabulary");
        return new BertTokenizer(normalizer, new WordPiece(vocab, unk, WordPiece.DEFAULT_PREFIX, WordPiece.DEFAULT_MAX_INPUT_CHARS),
                specials, Set.of());
    }

    /**
     * The normaliser with the settings that tokenizer_config.json in dir names (do_lower_case, strip_accents,
     * tokenize_chinese_chars; transformers' BertTokenizer builds its normaliser from them), the others as in fallback.
     */
    static BertNormalizer casing(Path dir, BertNormalizer fallback) {
        Path config = dir.resolve(TOKENIZER_CONFIG);
        if (!Files.isRegularFile(config)) return fallback;
        Map<String, Object> c = Json.parseObject(read(config), config.toString());
        String src = config.toString();
        boolean lower = bool(c.get("do_lower_case"), fallback.lowercase(), src, "do_lower_case");
        // A null strip_accents is a setting too: accents are stripped when lowercasing.
        Boolean strip = !c.containsKey("strip_accents") ? fallback.stripAccents()
                : c.get("strip_accents") == null ? null : bool(c.get("strip_accents"), lower, src, "strip_accents");
        boolean chinese = bool(c.get("tokenize_chinese_chars"), fallback.handleChineseChars(), src, "tokenize_chinese_chars");
        return new BertNormalizer(fallback.cleanText(), chinese, strip, lower);
    }

    /**
     * The special tokens' names as transformers sets them: tokenizer_config.json's pad_token, unk_token, ... and then
     * special_tokens_map.json's (which win), each name absent from both keeping its value in fallback.
     */
    static SpecialTokens namedSpecials(Path dir, SpecialTokens fallback) {
        SpecialTokens sp = fallback;
        for (String file : new String[] {TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP}) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path)) continue;
            Map<String, Object> c = Json.parseObject(read(path), path.toString());
            String src = path.toString();
            sp = new SpecialTokens(str(c, "pad_token", sp.pad(), src), str(c, "unk_token", sp.unk(), src),
                    str(c, "cls_token", sp.cls(), src), str(c, "sep_token", sp.sep(), src), str(c, "mask_token", sp.mask(), src));
        }
        return sp;
    }

    /** Loads a `tokenizers` tokenizer.json with a WordPiece model and a BERT normaliser/pre-tokenizer. */
    public static BertTokenizer loadTokenizerJson(Path file) {
        return TokenizerJson.read(Json.parseObject(read(file), file.toString()), file.toString());
    }

    // ---- saving ----------------------------------------------------------------------------------------------

    /**
     * Writes vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json into dir, for a tokenizer
     * on its own (no model_max_length: HF then truncates nowhere by default). A vocabulary with a repeated token (read
     * from such a vocab.txt) gets no tokenizer.json, whose token -> id map cannot express it.
     */
    public static void save(BertTokenizer tok, Path dir) {
        save(tok, dir, 0);
    }

    /**
     * {@link #save(BertTokenizer, Path)} into a model's folder: tokenizer_config.json's model_max_length is the
     * model's longest sequence (max_position_embeddings), so HF's truncation=True fits the model.
     */
    public static void save(BertTokenizer tok, Path dir, int modelMaxLength) {
        try {
            Files.createDirectories(dir);
            tok.vocab().writeVocabTxt(dir.resolve(VOCAB_TXT));
            // tokenizer.json maps each token to one id: it cannot hold a repeated vocab.txt line, and HF builds the same
            // tokenizer from vocab.txt alone, so such a vocabulary is saved without it (and load reads vocab.txt).
            if (tok.vocab().hasRepeats()) Files.deleteIfExists(dir.resolve(TOKENIZER_JSON));
            else Files.writeString(dir.resolve(TOKENIZER_JSON), Json.writePretty(TokenizerJson.write(tok)), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(TOKENIZER_CONFIG), Json.writePretty(tokenizerConfig(tok, modelMaxLength)), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(SPECIAL_TOKENS_MAP), Json.writePretty(specialTokensMap(tok.specialTokens())), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the tokenizer: " + IoErrors.describe(dir, e), e);
        }
    }

    private static Map<String, Object> tokenizerConfig(BertTokenizer tok, int modelMaxLength) {
        BertNormalizer n = tok.normalizer();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tokenizer_class", "BertTokenizer");
        c.put("do_lower_case", n.lowercase());
        c.put("strip_accents", n.stripAccents());
        c.put("tokenize_chinese_chars", n.handleChineseChars());
        c.put("clean_up_tokenization_spaces", true);
        if (modelMaxLength > 0) c.put("model_max_length", (long) modelMaxLength);
        c.putAll(specialTokensMap(tok.specialTokens()));
        return c;
    }

    private static Map<String, Object> specialTokensMap(SpecialTokens sp) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cls_token", sp.cls());
        m.put("mask_token", sp.mask());
        m.put("pad_token", sp.pad());
        m.put("sep_token", sp.sep());
        m.put("unk_token", sp.unk());
        return m;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + IoErrors.describe(file, e), e);
        }
    }
}
