package jtrain.training.tokenizer;

import static jtrain.training.tokenizer.JsonFields.bool;
import static jtrain.training.tokenizer.JsonFields.integer;
import static jtrain.training.tokenizer.JsonFields.object;
import static jtrain.training.tokenizer.JsonFields.str;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jtrain.engine.io.Json;

/**
 * The `tokenizers` tokenizer.json document for a BERT WordPiece tokenizer: reading the parts this package
 * supports (WordPiece model, BertNormalizer, BertPreTokenizer, special tokens) and writing the full layout that
 * HuggingFace loads (including the [CLS]/[SEP] TemplateProcessing post-processor and the WordPiece decoder).
 */
public final class TokenizerJson {
    private TokenizerJson() {}

    /** A tokenizer from a parsed tokenizer.json; src names the file in errors. */
    public static BertTokenizer read(Map<String, Object> root, String src) {
        Map<String, Object> model = object(Json.require(root, "model", src), src, "model");
        Object type = model.get("type");
        if (type != null && !"WordPiece".equals(type))
            throw new IllegalArgumentException(src + ": model type is " + type + ", only WordPiece is supported");
        Vocab vocab = Vocab.fromMap(object(Json.require(model, "vocab", src), src, "model.vocab"), src);
        String unk = str(model, "unk_token", "[UNK]", src);
        if (!vocab.contains(unk)) throw new IllegalArgumentException(src + ": the unknown token '" + unk + "' is not in model.vocab");
        WordPiece wordPiece = new WordPiece(vocab, unk, str(model, "continuing_subword_prefix", WordPiece.DEFAULT_PREFIX, src),
                (int) integer(model.get("max_input_chars_per_word"), WordPiece.DEFAULT_MAX_INPUT_CHARS, src, "model.max_input_chars_per_word"));

        BertNormalizer normalizer = normalizer(root.get("normalizer"), src);
        Object pre = root.get("pre_tokenizer");
        if (pre != null) {
            Object preType = object(pre, src, "pre_tokenizer").get("type");
            if (!"BertPreTokenizer".equals(preType))
                throw new IllegalArgumentException(src + ": pre_tokenizer type is " + preType + ", only BertPreTokenizer is supported");
        }
        Set<String> extra = new LinkedHashSet<>();
        List<AddedToken> addedTokens = new ArrayList<>();
        if (root.get("added_tokens") instanceof List<?> added) {
            for (Object o : added) {
                Map<String, Object> t = object(o, src, "added_tokens[]");
                if (!(t.get("content") instanceof String content) || content.isEmpty()) continue;
                if (!vocab.contains(content)) {
                    // HF gives such a token an id after the model's vocabulary; the model's embedding here has no row for it.
                    throw new IllegalArgumentException(src + ": added token '" + content + "' (id " + t.get("id")
                            + ") is not in model.vocab; tokens added beyond the WordPiece vocabulary are not supported");
                }
                boolean special = Boolean.TRUE.equals(t.get("special"));
                if (special) extra.add(content);
                else addedTokens.add(new AddedToken(content, bool(t.get("normalized"), true, src, "added_tokens[].normalized")));
            }
        }
        return new BertTokenizer(normalizer, wordPiece, specialsFromTemplate(root.get("post_processor"), unk, src), extra, addedTokens);
    }

    private static BertNormalizer normalizer(Object spec, String src) {
        if (spec == null) return new BertNormalizer(false, false, false, false); // HF applies no normalisation then
        Map<String, Object> n = object(spec, src, "normalizer");
        if (!"BertNormalizer".equals(n.get("type")))
            throw new IllegalArgumentException(src + ": normalizer type is " + n.get("type") + ", only BertNormalizer is supported");
        boolean lower = bool(n.get("lowercase"), true, src, "normalizer.lowercase");
        Boolean strip = n.get("strip_accents") == null ? null : bool(n.get("strip_accents"), lower, src, "normalizer.strip_accents");
        return new BertNormalizer(bool(n.get("clean_text"), true, src, "normalizer.clean_text"),
                bool(n.get("handle_chinese_chars"), true, src, "normalizer.handle_chinese_chars"), strip, lower);
    }

    /** [CLS]/[SEP] names from a TemplateProcessing or BertProcessing post-processor; BERT's names otherwise. */
    private static SpecialTokens specialsFromTemplate(Object spec, String unk, String src) {
        SpecialTokens d = SpecialTokens.BERT.withUnk(unk);
        if (!(spec instanceof Map<?, ?>)) return d;
        Map<String, Object> p = object(spec, src, "post_processor");
        if ("BertProcessing".equals(p.get("type")) && p.get("cls") instanceof List<?> cls && p.get("sep") instanceof List<?> sep
                && !cls.isEmpty() && !sep.isEmpty())
            return new SpecialTokens(d.pad(), unk, String.valueOf(cls.get(0)), String.valueOf(sep.get(0)), d.mask());
        if ("TemplateProcessing".equals(p.get("type")) && p.get("single") instanceof List<?> single && single.size() >= 2) {
            String first = templateSpecial(single.get(0)), last = templateSpecial(single.get(single.size() - 1));
            if (first != null && last != null) return new SpecialTokens(d.pad(), unk, first, last, d.mask());
        }
        return d;
    }

    private static String templateSpecial(Object piece) {
        if (piece instanceof Map<?, ?> m && m.get("SpecialToken") instanceof Map<?, ?> s && s.get("id") instanceof String id) return id;
        return null;
    }

    // ---- writing -----------------------------------------------------------------------------------------

    /** The tokenizer.json document, in the layout `tokenizers` 0.x writes and reads. */
    public static Map<String, Object> write(BertTokenizer tok) {
        Vocab vocab = tok.vocab();
        SpecialTokens sp = tok.specialTokens();
        List<Object> added = new ArrayList<>();
        for (String s : tok.literalSpecialTokens().stream().sorted((x, y) -> vocab.id(x) - vocab.id(y)).toList()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", (long) vocab.id(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        for (AddedToken a : tok.addedTokens()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", (long) vocab.id(a.content()));
            t.put("content", a.content());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", a.normalized());
            t.put("special", false);
            added.add(t);
        }
        BertNormalizer n = tok.normalizer();
        Map<String, Object> normalizer = new LinkedHashMap<>();
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", n.cleanText());
        normalizer.put("handle_chinese_chars", n.handleChineseChars());
        normalizer.put("strip_accents", n.stripAccents());
        normalizer.put("lowercase", n.lowercase());

        Map<String, Object> post = new LinkedHashMap<>();
        post.put("type", "TemplateProcessing");
        post.put("single", List.of(special(sp.cls(), 0), sequence("A", 0), special(sp.sep(), 0)));
        post.put("pair", List.of(special(sp.cls(), 0), sequence("A", 0), special(sp.sep(), 0), sequence("B", 1), special(sp.sep(), 1)));
        Map<String, Object> postSpecials = new LinkedHashMap<>();
        for (String s : List.of(sp.cls(), sp.sep())) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", s);
            e.put("ids", List.of((long) vocab.id(s)));
            e.put("tokens", List.of(s));
            postSpecials.put(s, e);
        }
        post.put("special_tokens", postSpecials);

        Map<String, Object> decoder = new LinkedHashMap<>();
        decoder.put("type", "WordPiece");
        decoder.put("prefix", tok.model().continuingSubwordPrefix());
        decoder.put("cleanup", true);

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordPiece");
        model.put("unk_token", tok.model().unkToken());
        model.put("continuing_subword_prefix", tok.model().continuingSubwordPrefix());
        model.put("max_input_chars_per_word", (long) tok.model().maxInputCharsPerWord());
        model.put("vocab", vocab.toMap());

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", added);
        root.put("normalizer", normalizer);
        root.put("pre_tokenizer", Map.of("type", "BertPreTokenizer"));
        root.put("post_processor", post);
        root.put("decoder", decoder);
        root.put("model", model);
        return root;
    }

    private static Map<String, Object> special(String id, int typeId) {
        return Map.of("SpecialToken", orderedPair("id", id, "type_id", (long) typeId));
    }

    private static Map<String, Object> sequence(String id, int typeId) {
        return Map.of("Sequence", orderedPair("id", id, "type_id", (long) typeId));
    }

    private static Map<String, Object> orderedPair(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

}
