package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Holm's step-down procedure on cases worked by hand. */
class HolmTest {

    @Test
    void rejectsInOrderOfPAndStopsAtTheFirstFailure() {
        // m = 4, sorted 0.005, 0.01, 0.03, 0.04 against 0.05/4 = 0.0125, 0.05/3 = 0.0167, 0.05/2 = 0.025, 0.05/1:
        // 0.005 and 0.01 pass; 0.03 > 0.025 fails, so 0.04 is kept as well, although 0.04 <= 0.05.
        double[] p = {0.01, 0.04, 0.03, 0.005};
        assertArrayEquals(new boolean[] {true, false, false, true}, Holm.rejected(p, 0.05), "answers in the given order");
        Holm.Step[] steps = Holm.steps(p, 0.05);
        assertEquals(new Holm.Step(1, 0.05 / 3, true), steps[0]);
        assertEquals(new Holm.Step(3, 0.05, false), steps[1], "the largest p faces alpha itself, but the procedure had stopped");
        assertEquals(new Holm.Step(2, 0.025, false), steps[2], "the first failure");
        assertEquals(new Holm.Step(0, 0.0125, true), steps[3], "the smallest p faces Bonferroni's alpha / m");
    }

    @Test
    void rejectsMoreThanBonferroni() {
        // 0.02 <= 0.05/2 and then 0.04 <= 0.05/1: both, where Bonferroni (each against 0.025) keeps 0.04.
        assertArrayEquals(new boolean[] {true, true}, Holm.rejected(new double[] {0.02, 0.04}, 0.05));
        // 0.03 > 0.05/2 at the first step: neither, though each is below 0.05 on its own.
        assertArrayEquals(new boolean[] {false, false}, Holm.rejected(new double[] {0.03, 0.03}, 0.05));
    }

    @Test
    void aPValueEqualToItsLevelIsRejected() {
        assertArrayEquals(new boolean[] {true, true, true, true}, Holm.rejected(new double[] {0.0125, 0.0125, 0.0125, 0.0125}, 0.05));
        assertArrayEquals(new boolean[] {true}, Holm.rejected(new double[] {0.05}, 0.05), "one comparison: the plain test at alpha");
        assertArrayEquals(new boolean[] {false}, Holm.rejected(new double[] {0.0501}, 0.05));
    }

    @Test
    void nineCellsOfWhichFiveAreClear() {
        // The study's largest family: 9 task x budget cells. Five at the bootstrap's floor 2/1001 pass 0.05/9 ... 0.05/5;
        // then 0.011 passes 0.05/4 = 0.0125, 0.02 fails 0.05/3 = 0.0167, and the remaining two are kept with it.
        double floor = 2.0 / 1001;
        double[] p = {floor, 0.3, floor, 0.011, floor, 0.02, floor, 0.04, floor};
        assertArrayEquals(new boolean[] {true, false, true, true, true, false, true, false, true}, Holm.rejected(p, 0.05));
    }

    @Test
    void anEmptyFamilyRejectsNothingAndAPValueOutsideZeroToOneIsRefused() {
        assertEquals(0, Holm.rejected(new double[0], 0.05).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Holm.rejected(new double[] {0.01, Double.NaN}, 0.05));
        assertTrue(e.getMessage().contains("p-value 1 of the family is NaN"), e.getMessage());
    }
}
