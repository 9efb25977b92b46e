package jtrain.training.pretrain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.training.run.StateJson;

/**
 * The order in which training sequences are visited: a fresh shuffle each epoch, drawn from the run's data rng.
 * Its position is three numbers (epoch, the rng state the epoch's shuffle started from, cursor), so a checkpoint can
 * record it compactly and a resumed run continues with exactly the sequence it would have taken next.
 */
public final class DataOrder {
    private final int size;
    private final Rng rng;
    private int[] order;
    private long shuffleState;
    private int epoch;
    private int cursor;

    /** Where the order stands; shuffleState regenerates the current epoch's permutation. */
    public record Position(int epoch, long shuffleState, int cursor) {}

    /** Shuffles the first epoch immediately (drawing from rng), as training starts. */
    public DataOrder(int size, Rng rng) {
        if (size < 1) throw new IllegalArgumentException("no training sequences");
        this.size = size;
        this.rng = rng;
        shuffle();
    }

    /** The index of the next sequence; a new epoch is shuffled when the current one is used up. */
    public int next() {
        if (cursor == order.length) {
            epoch++;
            shuffle();
        }
        return order[cursor++];
    }

    public Position position() {
        return new Position(epoch, shuffleState, cursor);
    }

    /** Continues from a saved position; the shared rng itself is restored by its owner. */
    public void restore(Position p) {
        if (p.cursor() < 0 || p.cursor() > size) throw new IllegalArgumentException("data cursor " + p.cursor() + " outside 0.." + size);
        order = permutation(size, new Rng(p.shuffleState()));
        shuffleState = p.shuffleState();
        epoch = p.epoch();
        cursor = p.cursor();
    }

    /** The position as checkpoint JSON: epoch, shuffle_rng (hex), cursor. */
    public Map<String, Object> positionJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("epoch", epoch);
        j.put("shuffle_rng", StateJson.hex(shuffleState));
        j.put("cursor", cursor);
        return j;
    }

    /** Continues from a position saved by {@link #positionJson}; source names the file in errors. */
    public void restore(Map<String, Object> j, String source) {
        restore(new Position(StateJson.number(j, "epoch", source).intValue(), StateJson.hex(j, "shuffle_rng", source),
                StateJson.number(j, "cursor", source).intValue()));
    }

    private void shuffle() {
        shuffleState = rng.state();
        order = permutation(size, rng);
        cursor = 0;
    }

    /** A Fisher-Yates permutation of 0..n-1 from rng, so an order is a function of the seed alone. */
    public static int[] permutation(int n, Rng rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** A hash of the sequences, so resuming on different data (another tokenizer, corpus or max length) is caught. */
    public static String fingerprint(List<int[]> sequences) {
        long h = 0xcbf29ce484222325L;
        for (int[] s : sequences) {
            h = (h ^ s.length) * 0x100000001b3L;
            for (int id : s) h = (h ^ id) * 0x100000001b3L;
        }
        return sequences.size() + ":" + Long.toHexString(h);
    }
}
