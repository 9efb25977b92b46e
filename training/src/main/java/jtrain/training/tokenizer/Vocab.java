package jtrain.training.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.IoErrors;

/**
 * The token list: a token's id is its position. Ids are dense (0..size-1) because models index embedding rows
 * with them and vocab.txt can only express dense ids. A token may appear on several ids, as a repeated line of a
 * vocab.txt does; it then maps to its last id, as in HF's BertTokenizer (see {@link #Vocab(List)}).
 */
public final class Vocab {
    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int maxTokenLength;

    /**
     * Tokens in id order. A repeated token maps to its last id, as HF's load_vocab builds it ({@code vocab[token] =
     * index} line by line) and the `tokenizers` library's WordPiece too: text never produces its earlier ids, which
     * still count in {@link #size()} (they are embedding rows) and still name the token in {@link #token(int)} (HF
     * decodes them as [UNK] or as nothing). The empty string is a token like any other, which no text produces.
     */
    public Vocab(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        int longest = 0;
        for (int i = 0; i < tokens.size(); i++) {
            longest = Math.max(longest, tokens.get(i).length());
            ids.put(tokens.get(i), i);
        }
        this.maxTokenLength = longest;
    }

    /** Whether a token appears on more than one id (only a vocab.txt can say so; tokenizer.json cannot). */
    public boolean hasRepeats() {
        return ids.size() < tokens.size();
    }

    /** From a token -> id map such as tokenizer.json's model.vocab; source names the file in errors. */
    public static Vocab fromMap(Map<String, ?> map, String source) {
        String[] byId = new String[map.size()];
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof Number n) || n.doubleValue() != n.longValue())
                throw new IllegalArgumentException(source + ": id of token '" + e.getKey() + "' is not an integer: " + e.getValue());
            long id = n.longValue();
            if (id < 0 || id >= byId.length)
                throw new IllegalArgumentException(source + ": id " + id + " of token '" + e.getKey()
                        + "' is outside 0.." + (byId.length - 1) + " (ids must be dense)");
            if (byId[(int) id] != null)
                throw new IllegalArgumentException(source + ": id " + id + " is used by both '" + byId[(int) id]
                        + "' and '" + e.getKey() + "'");
            byId[(int) id] = e.getKey();
        }
        return new Vocab(List.of(byId));
    }

    /**
     * Reads vocab.txt: one token per line, the id is the 0-based line number. As in HF, an empty line is the token ""
     * and a repeated line maps its token to the last of its ids (see {@link #Vocab(List)}).
     */
    public static Vocab readVocabTxt(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vocabulary " + IoErrors.describe(file, e), e);
        }
        List<String> tokens = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i);
            if (i == 0 && t.startsWith("\uFEFF")) t = t.substring(1); // a byte-order mark is not part of the token
            if (t.endsWith("\r")) t = t.substring(0, t.length() - 1);
            tokens.add(t);
        }
        if (tokens.isEmpty()) throw new IllegalArgumentException(file + ": vocabulary file is empty");
        return new Vocab(tokens);
    }

    public void writeVocabTxt(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) sb.append(t).append('\n');
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /** Length of the longest token in Java chars: no longer piece needs to be looked up. */
    public int maxTokenLength() {
        return maxTokenLength;
    }

    public int size() {
        return tokens.size();
    }

    /** The id of a token, or -1 when it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.size()) throw new IllegalArgumentException("token id " + id + " is outside 0.." + (tokens.size() - 1));
        return tokens.get(id);
    }

    public List<String> tokens() {
        return tokens;
    }

    /** Token -> id in id order, the shape of tokenizer.json's model.vocab. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) m.put(tokens.get(i), (long) i);
        return Collections.unmodifiableMap(m);
    }
}
