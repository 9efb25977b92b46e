package jtrain.training.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Learns a WordPiece vocabulary from a corpus the way HuggingFace's WordPieceTrainer does: special tokens first,
 * then every character of the normalised words, up to {@link #limitAlphabet} of them (and its "##" form for
 * word-internal positions), then repeated
 * BPE-style merges of the most frequent adjacent pair until the vocabulary is full. A merged piece is the two
 * pieces glued together with the second one's "##" dropped ("##i" + "##ng" = "##ing").
 *
 * <p>Speed: words are counted once, and the merges work on the table of distinct words. Pair counts are updated
 * incrementally from the words that contain the merged pair, and a priority queue with lazily refreshed counts
 * picks the next pair, so no merge rescans the corpus.
 */
public final class WordPieceTrainer {
    private int vocabSize = 30000;
    private long minFrequency = 2;
    private int limitAlphabet = 1000;
    private BertNormalizer normalizer = BertNormalizer.UNCASED;
    private SpecialTokens specials = SpecialTokens.BERT;
    private String prefix = WordPiece.DEFAULT_PREFIX;

    /** Target vocabulary size, special tokens included (the alphabet is always kept whole, even past it). */
    public WordPieceTrainer vocabSize(int size) {
        if (size <= 0) throw new IllegalArgumentException("vocabulary size must be positive");
        this.vocabSize = size;
        return this;
    }

    /** A pair seen fewer times than this is not merged (BertWordPieceTokenizer's default is 2). */
    public WordPieceTrainer minFrequency(long count) {
        this.minFrequency = count;
        return this;
    }

    /**
     * Keep at most this many distinct characters, the most frequent ones; the others become [UNK]. The default, 1000,
     * is that of HF's BertWordPieceTokenizer.train: enough for alphabetic scripts, too few for Chinese or Japanese
     * text, which uses thousands of characters ({@link #alphabetOf} tells how many a corpus loses).
     */
    public WordPieceTrainer limitAlphabet(int chars) {
        if (chars <= 0) throw new IllegalArgumentException("alphabet limit must be positive, got " + chars);
        this.limitAlphabet = chars;
        return this;
    }

    public WordPieceTrainer normalizer(BertNormalizer n) {
        this.normalizer = n;
        return this;
    }

    /** Trains and returns a ready tokenizer using the trainer's normaliser. */
    public BertTokenizer train(Iterable<String> texts) {
        return trainFromCounts(countWords(texts));
    }

    /** As {@link #train}, from the word counts of {@link #countWords} (to learn {@link #alphabetOf} them too). */
    public BertTokenizer trainFromCounts(Map<String, Long> wordCounts) {
        Vocab vocab = trainVocab(wordCounts);
        return new BertTokenizer(normalizer, new WordPiece(vocab, specials.unk(), prefix, WordPiece.DEFAULT_MAX_INPUT_CHARS),
                specials, Set.of());
    }

    /**
     * The characters of the counted words: how many distinct ones there are and how many the alphabet keeps, and
     * how many of the words' characters are written with kept ones (the others' words become [UNK]).
     */
    public record Alphabet(int distinct, int kept, long occurrences, long keptOccurrences) {
        public boolean cut() {
            return kept < distinct;
        }
    }

    /** What the alphabet limit does to these word counts. */
    public Alphabet alphabetOf(Map<String, Long> wordCounts) {
        List<Map.Entry<Integer, Long>> all = characterCounts(wordCounts), kept = mostFrequent(all);
        long occurrences = all.stream().mapToLong(Map.Entry::getValue).sum();
        return new Alphabet(all.size(), kept.size(), occurrences, kept.stream().mapToLong(Map.Entry::getValue).sum());
    }

    /** Normalises and pre-tokenizes every text, counting each distinct word (first-seen order, for determinism). */
    public Map<String, Long> countWords(Iterable<String> texts) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (String text : texts)
            for (String w : PreTokenizer.split(normalizer.normalize(text))) counts.computeIfAbsent(w, k -> new long[1])[0]++;
        Map<String, Long> out = new LinkedHashMap<>(counts.size() * 2);
        counts.forEach((w, c) -> out.put(w, c[0]));
        return out;
    }

    /** Learns the vocabulary from word counts. */
    public Vocab trainVocab(Map<String, Long> wordCounts) {
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (String s : specials.all()) addToken(s, tokens, ids);
        for (int c : alphabet(wordCounts)) addToken(new String(Character.toChars(c)), tokens, ids);

        // Each distinct word as an array of piece ids; characters outside the alphabet are left out, like HF.
        int n = wordCounts.size();
        int[][] words = new int[n][];
        int[] lengths = new int[n];
        long[] counts = new long[n];
        int wi = 0;
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            String w = e.getKey();
            int[] syms = new int[w.codePointCount(0, w.length())];
            int len = 0;
            for (int i = 0; i < w.length(); ) {
                int c = w.codePointAt(i);
                String s = new String(Character.toChars(c));
                if (ids.containsKey(s)) {
                    if (i > 0) s = prefix + s;
                    syms[len++] = addToken(s, tokens, ids);
                }
                i += Character.charCount(c);
            }
            words[wi] = syms;
            lengths[wi] = len;
            counts[wi++] = e.getValue();
        }
        new MergeLoop(words, lengths, counts, tokens, ids, prefix).run(vocabSize, minFrequency);
        return new Vocab(tokens);
    }

    static int addToken(String s, List<String> tokens, Map<String, Integer> ids) {
        Integer id = ids.get(s);
        if (id != null) return id;
        tokens.add(s);
        ids.put(s, tokens.size() - 1);
        return tokens.size() - 1;
    }

    /** The kept characters, in code point order (HF sorts them so the vocabulary does not depend on hashing). */
    private int[] alphabet(Map<String, Long> wordCounts) {
        return mostFrequent(characterCounts(wordCounts)).stream().mapToInt(Map.Entry::getKey).sorted().toArray();
    }

    /** Each distinct character (code point) of the words with its number of occurrences. */
    private static List<Map.Entry<Integer, Long>> characterCounts(Map<String, Long> wordCounts) {
        Map<Integer, Long> freq = new HashMap<>();
        wordCounts.forEach((w, c) -> w.codePoints().forEach(cp -> freq.merge(cp, c, Long::sum)));
        return new ArrayList<>(freq.entrySet());
    }

    /** The limitAlphabet most frequent characters (ties to the lower code point), or all when there are no more. */
    private List<Map.Entry<Integer, Long>> mostFrequent(List<Map.Entry<Integer, Long>> chars) {
        if (chars.size() <= limitAlphabet) return chars;
        List<Map.Entry<Integer, Long>> sorted = new ArrayList<>(chars);
        sorted.sort((x, y) -> x.getValue().equals(y.getValue()) ? Integer.compare(x.getKey(), y.getKey())
                : Long.compare(y.getValue(), x.getValue()));
        return sorted.subList(0, limitAlphabet);
    }
}
