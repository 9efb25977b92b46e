package jtrain.training.pretrain;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;

class MlmMaskingTest {
    static final int CLS = 2, SEP = 3, MASK = 4, VOCAB = 1000;

    @Test
    void aboutFifteenPercentArePredictedOfWhichEightyPercentBecomeMask() {
        int n = 200_000;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 10 + i % 900;
        MlmMasking.Masked m = new MlmMasking(0.15, false).apply(ids, null, Set.of(CLS, SEP), MASK, VOCAB, new Rng(1));
        int predicted = 0, masked = 0, kept = 0;
        for (int i = 0; i < n; i++) {
            if (m.labels()[i] == MlmMasking.IGNORE) {
                assertEquals(ids[i], m.inputIds()[i], "unpredicted tokens are never changed");
                continue;
            }
            assertEquals(ids[i], m.labels()[i], "the label is the original token");
            predicted++;
            if (m.inputIds()[i] == MASK) masked++;
            if (m.inputIds()[i] == ids[i]) kept++;
        }
        assertEquals(0.15, predicted / (double) n, 0.005);
        assertEquals(0.80, masked / (double) predicted, 0.01);
        assertEquals(0.10, kept / (double) predicted, 0.01); // plus the rare random draw of the same id
    }

    @Test
    void specialTokensAreNeverMasked() {
        int[] ids = {CLS, 10, 11, SEP, 12, SEP};
        for (long seed = 0; seed < 200; seed++) {
            MlmMasking.Masked m = new MlmMasking(0.9, false).apply(ids, null, Set.of(CLS, SEP), MASK, VOCAB, new Rng(seed));
            assertEquals(MlmMasking.IGNORE, m.labels()[0]);
            assertEquals(MlmMasking.IGNORE, m.labels()[3]);
            assertEquals(MlmMasking.IGNORE, m.labels()[5]);
        }
    }

    @Test
    void wholeWordMaskingCoversEveryPieceOfAChosenWord() {
        // "un ##believ ##able story": pieces 1-3 form one word
        int[] ids = {CLS, 20, 21, 22, 23, SEP};
        boolean[] cont = {false, false, true, true, false, false};
        for (long seed = 0; seed < 200; seed++) {
            MlmMasking.Masked m = new MlmMasking(0.5, true).apply(ids, cont, Set.of(CLS, SEP), MASK, VOCAB, new Rng(seed));
            boolean first = m.labels()[1] != MlmMasking.IGNORE;
            assertEquals(first, m.labels()[2] != MlmMasking.IGNORE);
            assertEquals(first, m.labels()[3] != MlmMasking.IGNORE);
        }
    }

    @Test
    void sameSeedSameMasks() {
        int[] ids = {CLS, 10, 11, 12, 13, 14, 15, SEP};
        MlmMasking mm = new MlmMasking(0.3, false);
        assertArrayEquals(mm.apply(ids, null, Set.of(CLS, SEP), MASK, VOCAB, new Rng(7)).inputIds(),
                mm.apply(ids, null, Set.of(CLS, SEP), MASK, VOCAB, new Rng(7)).inputIds());
    }
}
