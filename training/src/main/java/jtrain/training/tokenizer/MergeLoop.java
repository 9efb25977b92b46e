package jtrain.training.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The merge loop of {@link WordPieceTrainer} over the table of distinct words (each an array of piece ids with
 * its corpus count). It keeps, for every adjacent pair, its weighted count and the words holding it, so a merge
 * only revisits those words and adjusts the counts of their neighbouring pairs. A priority queue picks the most
 * frequent pair; its entries may be stale and are re-queued with the current count when popped.
 */
final class MergeLoop {
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

    private final String prefix;

    MergeLoop(int[][] words, int[] lengths, long[] counts, List<String> tokens, Map<String, Integer> ids, String prefix) {
        this.prefix = prefix;
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

    /** Merges until the vocabulary has vocabSize tokens or no pair is seen minFrequency times. */
    void run(int vocabSize, long minFrequency) {
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
            int merged = WordPieceTrainer.addToken(tokens.get(a) + second, tokens, ids);
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
