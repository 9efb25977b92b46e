package jtrain.training.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a WordPiece vocabulary from a corpus the way HuggingFace's WordPieceTrainer does: special tokens first,
 * then every character of the normalised words (and its "##" form for word-internal positions), then repeated
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

    /** Keep at most this many distinct characters, the most frequent ones (rare symbols become [UNK]). */
    public WordPieceTrainer limitAlphabet(int chars) {
        this.limitAlphabet = chars;
        return this;
    }

    public WordPieceTrainer normalizer(BertNormalizer n) {
        this.normalizer = n;
        return this;
    }

    /** Trains and returns a ready tokenizer using the trainer's normaliser. */
    public BertTokenizer train(Iterable<String> texts) {
        Vocab vocab = trainVocab(countWords(texts));
        return new BertTokenizer(normalizer, new WordPiece(vocab, specials.unk(), prefix, WordPiece.DEFAULT_MAX_INPUT_CHARS),
                specials, Set.of());
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
        new Merger(words, lengths, counts, tokens, ids).run();
        return new Vocab(tokens);
    }

    private static int addToken(String s, List<String> tokens, Map<String, Integer> ids) {
        Integer id = ids.get(s);
        if (id != null) return id;
        tokens.add(s);
        ids.put(s, tokens.size() - 1);
        return tokens.size() - 1;
    }

    /** The kept characters, in code point order (HF sorts them so the vocabulary does not depend on hashing). */
    private int[] alphabet(Map<String, Long> wordCounts) {
        Map<Integer, Long> freq = new HashMap<>();
        wordCounts.forEach((w, c) -> w.codePoints().forEach(cp -> freq.merge(cp, c, Long::sum)));
        List<Map.Entry<Integer, Long>> chars = new ArrayList<>(freq.entrySet());
        if (chars.size() > limitAlphabet) {
            chars.sort((x, y) -> x.getValue().equals(y.getValue()) ? Integer.compare(x.getKey(), y.getKey())
                    : Long.compare(y.getValue(), x.getValue()));
            chars = chars.subList(0, limitAlphabet);
        }
        return chars.stream().mapToInt(Map.Entry::getKey).sorted().toArray();
    }

    /** The merge loop over the distinct-word table. */
    private final class Merger {
        private final int[][] words;
        private final int[] lengths;
        private final long[] counts;
        private final List<String> tokens;
        private final Map<String, Integer> ids;
        private final Map<Long, PairStat> pairs = new HashMap<>();
        /** Highest count first; ties go to the smaller (first id, second id), as in HF. */
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) ->
                x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        private final List<PairStat> touched = new ArrayList<>();
        private final int[] visited;
        private int stamp;

        Merger(int[][] words, int[] lengths, long[] counts, List<String> tokens, Map<String, Integer> ids) {
            this.words = words;
            this.lengths = lengths;
            this.counts = counts;
            this.tokens = tokens;
            this.ids = ids;
            this.visited = new int[words.length];
        }

        /** Count and the words (by index, maybe repeated or stale) that contain a pair. */
        private static final class PairStat {
            final long key;
            long count;
            int[] wordList = new int[4];
            int size;
            boolean isTouched;

            PairStat(long key) {
                this.key = key;
            }

            void addWord(int w) {
                if (size > 0 && wordList[size - 1] == w) return;
                if (size == wordList.length) wordList = Arrays.copyOf(wordList, size * 2);
                wordList[size++] = w;
            }
        }

        private static long key(int a, int b) {
            return ((long) a << 32) | (b & 0xffffffffL);
        }

        private void change(int a, int b, long delta, int word) {
            PairStat p = pairs.computeIfAbsent(key(a, b), PairStat::new);
            p.count += delta;
            if (delta > 0) {
                p.addWord(word);
                if (!p.isTouched) {
                    p.isTouched = true;
                    touched.add(p);
                }
            }
        }

        void run() {
            for (int w = 0; w < words.length; w++)
                for (int i = 0; i + 1 < lengths[w]; i++) change(words[w][i], words[w][i + 1], counts[w], w);
            pushTouched();
            while (tokens.size() < vocabSize && !queue.isEmpty()) {
                long[] top = queue.poll();
                PairStat p = pairs.get(top[1]);
                if (p.count != top[0]) { // stale entry: requeue with the current count
                    if (p.count > 0) queue.add(new long[] {p.count, p.key});
                    continue;
                }
                if (p.count < 1 || p.count < minFrequency) break;
                int a = (int) (p.key >>> 32), b = (int) p.key;
                String second = tokens.get(b);
                if (second.startsWith(prefix)) second = second.substring(prefix.length());
                int merged = addToken(tokens.get(a) + second, tokens, ids);
                mergeEverywhere(p, a, b, merged);
                pushTouched();
            }
        }

        private void pushTouched() {
            for (PairStat p : touched) {
                p.isTouched = false;
                if (p.count > 0) queue.add(new long[] {p.count, p.key});
            }
            touched.clear();
        }

        /** Replaces a,b by merged left to right in every word holding the pair, updating neighbour pair counts. */
        private void mergeEverywhere(PairStat p, int a, int b, int merged) {
            stamp++;
            int[] list = p.wordList;
            int size = p.size;
            for (int k = 0; k < size; k++) {
                int w = list[k];
                if (visited[w] == stamp) continue;
                visited[w] = stamp;
                int[] s = words[w];
                int n = lengths[w], out = 0;
                long c = counts[w];
                for (int i = 0; i < n; ) {
                    if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                        p.count -= c;
                        if (out > 0) {
                            change(s[out - 1], a, -c, w);
                            change(s[out - 1], merged, c, w);
                        }
                        if (i + 2 < n) {
                            change(b, s[i + 2], -c, w);
                            change(merged, s[i + 2], c, w);
                        }
                        s[out++] = merged;
                        i += 2;
                    } else {
                        s[out++] = s[i++];
                    }
                }
                lengths[w] = out;
            }
            // Every occurrence is merged now, so the word list can go.
            p.wordList = new int[1];
            p.size = 0;
        }
    }
}
