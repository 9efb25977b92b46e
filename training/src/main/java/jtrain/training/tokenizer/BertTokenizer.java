package jtrain.training.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A BERT tokenizer: normaliser, pre-tokenizer and WordPiece model, plus the [CLS]/[SEP] template, truncation,
 * padding and decoding. Behaves like HuggingFace's BertTokenizer(Fast). Special tokens written literally in the
 * text (such as "[MASK]") are kept whole, because they are matched on the raw text before normalisation.
 * Load and save with {@link TokenizerFiles}; train a vocabulary with {@link WordPieceTrainer}.
 */
public final class BertTokenizer {
    private final BertNormalizer normalizer;
    private final WordPiece model;
    private final SpecialTokens specials;
    /** Special tokens recognised in raw text, longest first so "[MASK]" wins over any shorter overlap. */
    private final List<String> literalSpecials;
    /** Non-special added tokens, as given. */
    private final List<AddedToken> addedTokens;
    /** Everything matched in the raw text (special tokens and raw added tokens), longest first. */
    private final List<String> rawMatches;
    /** The normalised forms of normalized added tokens, longest first, and their ids. */
    private final List<String> normalizedMatches;
    private final Map<String, Integer> normalizedIds = new HashMap<>();

    public BertTokenizer(BertNormalizer normalizer, WordPiece model, SpecialTokens specials, Set<String> extraSpecialTokens) {
        this(normalizer, model, specials, extraSpecialTokens, List.of());
    }

    /** addedTokens: non-special added tokens, each in the vocabulary (tokenizer.json's added_tokens with special false). */
    public BertTokenizer(BertNormalizer normalizer, WordPiece model, SpecialTokens specials, Set<String> extraSpecialTokens,
                         List<AddedToken> addedTokens) {
        this.normalizer = normalizer;
        this.model = model;
        this.specials = specials.withUnk(model.unkToken());
        Set<String> lit = new LinkedHashSet<>();
        for (String s : this.specials.all()) if (model.vocab().contains(s)) lit.add(s);
        for (String s : extraSpecialTokens) if (model.vocab().contains(s) && !s.isEmpty()) lit.add(s);
        this.literalSpecials = longestFirst(lit);
        this.addedTokens = List.copyOf(addedTokens);
        Set<String> raw = new LinkedHashSet<>(lit), normalized = new LinkedHashSet<>();
        for (AddedToken t : this.addedTokens) {
            int id = model.vocab().id(t.content());
            if (id < 0) throw new IllegalArgumentException("added token '" + t.content() + "' is not in the vocabulary");
            if (!t.normalized()) {
                raw.add(t.content());
                continue;
            }
            String form = normalizer.normalize(t.content());
            if (form.isEmpty()) continue; // nothing left to match
            normalized.add(form);
            normalizedIds.putIfAbsent(form, id);
        }
        this.rawMatches = longestFirst(raw);
        this.normalizedMatches = longestFirst(normalized);
    }

    private static List<String> longestFirst(Set<String> tokens) {
        List<String> sorted = new ArrayList<>(tokens);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return List.copyOf(sorted);
    }

    /** The uncased BERT setup over a vocabulary. */
    public BertTokenizer(Vocab vocab) {
        this(BertNormalizer.UNCASED, new WordPiece(vocab), SpecialTokens.BERT, Set.of());
    }

    public BertNormalizer normalizer() {
        return normalizer;
    }

    public WordPiece model() {
        return model;
    }

    public Vocab vocab() {
        return model.vocab();
    }

    public SpecialTokens specialTokens() {
        return specials;
    }

    /** The special tokens matched literally in raw text. */
    public List<String> literalSpecialTokens() {
        return literalSpecials;
    }

    /** The non-special added tokens (matched whole in the text, but kept by decode). */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /**
     * WordPiece ids of a text, without special tokens added. Special and raw added tokens are cut out of the raw
     * text first, normalized added tokens out of each normalised piece; only what is left is pre-tokenized.
     */
    public List<Integer> textIds(String text) {
        return textIds(text, 0);
    }

    /**
     * {@link #textIds(String)}, but with a limit above 0 the text stops after the first word whose pieces bring the
     * count to the limit or beyond: what HF tokenizers (0.23) keeps of a text when truncation is on, before the
     * truncation proper. Added tokens met on the way count but never stop it, so the result can pass the limit by a
     * word's pieces and the added tokens before it.
     */
    List<Integer> textIds(String text, int limit) {
        List<Integer> out = new ArrayList<>();
        boolean[] full = {false};
        BooleanSupplier stop = () -> full[0];
        splitOn(text, rawMatches, model.vocab()::id, piece -> splitOn(normalizer.normalize(piece), normalizedMatches, normalizedIds::get,
                rest -> {
                    for (String word : PreTokenizer.split(rest)) {
                        if (full[0]) return;
                        model.tokenize(word, out);
                        full[0] = limit > 0 && out.size() >= limit;
                    }
                }, out, stop), out, stop);
        return out;
    }

    /**
     * Walks text: each leftmost (then longest) match of tokens adds its id, each stretch between goes to between;
     * nothing more once stop says so.
     */
    private static void splitOn(String text, List<String> tokens, java.util.function.ToIntFunction<String> idOf,
                                java.util.function.Consumer<String> between, List<Integer> out, BooleanSupplier stop) {
        int from = 0;
        while (!stop.getAsBoolean()) {
            int at = text.length();
            String hit = null;
            for (String t : tokens) {
                int i = text.indexOf(t, from);
                if (i >= 0 && i < at) {
                    at = i;
                    hit = t;
                }
            }
            if (at > from) between.accept(text.substring(from, at));
            if (hit == null || stop.getAsBoolean()) return;
            out.add(idOf.applyAsInt(hit));
            from = at + hit.length();
        }
    }

    /** The tokens of a text, without special tokens added. */
    public List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        for (int id : textIds(text)) tokens.add(model.vocab().token(id));
        return tokens;
    }

    public Encoding encode(String text) {
        return encode(text, null, EncodeOptions.DEFAULT);
    }

    public Encoding encode(String textA, String textB) {
        return encode(textA, textB, EncodeOptions.DEFAULT);
    }

    /**
     * Encodes one text (textB null) or a pair. With special tokens: [CLS] A [SEP] and [CLS] A [SEP] B [SEP], type 0
     * up to and including the first [SEP], type 1 after it.
     */
    public Encoding encode(String textA, String textB, EncodeOptions options) {
        // With truncation each text is read only up to the max length (see textIds), as HF does; for a pair this
        // decides which one counts as longer below.
        List<Integer> a = textIds(textA, options.maxLength());
        List<Integer> b = textB == null ? null : textIds(textB, options.maxLength());
        if (options.maxLength() > 0) truncate(a, b, options);
        List<Integer> ids = new ArrayList<>(a.size() + (b == null ? 0 : b.size()) + 3);
        List<Integer> types = new ArrayList<>(ids.size());
        boolean special = options.addSpecialTokens();
        if (special) add(ids, types, requireId(specials.cls()), 0);
        for (int id : a) add(ids, types, id, 0);
        if (special) add(ids, types, requireId(specials.sep()), 0);
        if (b != null) {
            for (int id : b) add(ids, types, id, 1);
            if (special) add(ids, types, requireId(specials.sep()), 1);
        }
        int n = ids.size();
        int[] idArr = new int[n], typeArr = new int[n], mask = new int[n];
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            idArr[i] = ids.get(i);
            typeArr[i] = types.get(i);
            mask[i] = 1;
            tokens[i] = model.vocab().token(idArr[i]);
        }
        Encoding e = new Encoding(idArr, tokens, typeArr, mask);
        return options.padLength() > 0 ? pad(e, options.padLength()) : e;
    }

    private static void add(List<Integer> ids, List<Integer> types, int id, int type) {
        ids.add(id);
        types.add(type);
    }

    private int requireId(String token) {
        int id = model.vocab().id(token);
        if (id < 0) throw new IllegalStateException("special token '" + token + "' is not in the vocabulary");
        return id;
    }

    /**
     * Cuts the sequences so the whole encoding fits maxLength. For pairs this is HF's "longest first": the shorter
     * sequence stays whole when it fits in half the room; otherwise both get half (the longer one, or the second
     * when equal, gets the odd token). The lengths compared are those textIds kept with the max length as its limit,
     * as in tokenizers 0.23; 0.22 and older compare whole texts, so when both pass the max length the odd token can
     * go to the other one.
     */
    private void truncate(List<Integer> a, List<Integer> b, EncodeOptions options) {
        int added = options.addSpecialTokens() ? (b == null ? 2 : 3) : 0;
        int room = options.maxLength() - added;
        if (room < 0)
            throw new IllegalArgumentException("max length " + options.maxLength() + " leaves no room next to " + added + " special tokens");
        if (b == null) {
            if (a.size() > room) a.subList(room, a.size()).clear();
            return;
        }
        if (a.size() + b.size() <= room) return;
        boolean swap = a.size() > b.size();
        int shortLen = Math.min(a.size(), b.size());
        int longLen = shortLen > room ? shortLen : Math.max(shortLen, room - shortLen);
        if (shortLen + longLen > room) {
            shortLen = room / 2;
            longLen = shortLen + room % 2;
        }
        int keepA = swap ? longLen : shortLen, keepB = swap ? shortLen : longLen;
        if (a.size() > keepA) a.subList(keepA, a.size()).clear();
        if (b.size() > keepB) b.subList(keepB, b.size()).clear();
    }

    /** Appends [PAD] tokens (attention 0) up to length. */
    public Encoding pad(Encoding e, int length) {
        return e.padTo(length, requireId(specials.pad()), specials.pad());
    }

    /** Encodes several texts; with padToLongest every encoding is padded to the longest of the batch. */
    public List<Encoding> encodeBatch(List<String> texts, EncodeOptions options) {
        return encodeBatch(texts, null, options);
    }

    /** Encodes pairs textsA[i], textsB[i] (textsB may be null for single texts). */
    public List<Encoding> encodeBatch(List<String> textsA, List<String> textsB, EncodeOptions options) {
        if (textsB != null && textsB.size() != textsA.size())
            throw new IllegalArgumentException("batch has " + textsA.size() + " first texts but " + textsB.size() + " second texts");
        List<Encoding> out = new ArrayList<>(textsA.size());
        int longest = 0;
        for (int i = 0; i < textsA.size(); i++) {
            Encoding e = encode(textsA.get(i), textsB == null ? null : textsB.get(i), options);
            longest = Math.max(longest, e.length());
            out.add(e);
        }
        int target = longest;
        if (options.padLongest()) out.replaceAll(e -> pad(e, target));
        return out;
    }

    /**
     * Text back from ids: pieces starting with the continuation prefix are glued to the previous token, others get
     * a space, and spaces before punctuation and English contractions are removed: per token, as HF's WordPiece
     * decoder with cleanup does, then over the whole text, as transformers' decode does with
     * clean_up_tokenization_spaces (which the tokenizer_config.json we save asks for), so "don ' t" becomes "don't".
     * Lowercasing and stripped accents cannot be undone.
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (int id : ids) {
            String t = model.vocab().token(id);
            if (skipSpecialTokens && literalSpecials.contains(t)) continue;
            String prefix = model.continuingSubwordPrefix();
            if (first) sb.append(cleanup(t));
            else if (t.startsWith(prefix)) sb.append(cleanup(t.substring(prefix.length())));
            else sb.append(cleanup(" " + t));
            first = false;
        }
        return cleanUpTokenizationSpaces(sb.toString());
    }

    /** transformers' clean_up_tokenization over a whole decoded text. */
    private static String cleanUpTokenizationSpaces(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** Skips special tokens. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    private static String cleanup(String s) {
        if (!s.startsWith(" ")) return s;
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }
}
