package jtrain.training;

import java.util.function.IntUnaryOperator;

/** The synthetic vocabulary of the fine-tuning tests: sentences about the sea or the land, told apart by their nouns. */
public final class SeaLand {
    private SeaLand() {}

    public static final String[] SEA = {"whale", "ship", "wave", "harpoon", "mast", "sail", "tide", "reef"};
    public static final String[] LAND = {"field", "horse", "barn", "wheat", "plough", "hill", "fence", "cart"};
    public static final String[] VERBS = {"sees", "pulls", "finds", "paints", "holds", "loves"};

    /** "the whale sees the ship": nouns from one topic; nextInt(n) draws in [0, n) (Rng::nextInt or Random::nextInt). */
    public static String sentence(IntUnaryOperator nextInt, String[] nouns) {
        return "the " + nouns[nextInt.applyAsInt(nouns.length)] + " " + VERBS[nextInt.applyAsInt(VERBS.length)] + " the "
                + nouns[nextInt.applyAsInt(nouns.length)];
    }
}
