package jtrain.training.study;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down procedure (Holm 1979, "A simple sequentially rejective multiple test procedure"): given the
 * p-values of a family of m comparisons, it decides which to call a difference so that the chance of calling any
 * true no-difference one a difference (the family-wise error rate) stays at most alpha, whatever the dependence
 * between the comparisons. Sort the p-values ascending; the i-th smallest (i = 1..m) is rejected while
 * p_(i) <= alpha / (m - i + 1); at the first that is not, stop: it and every larger one are kept. The smallest p faces
 * Bonferroni's alpha / m, the largest (if reached) alpha itself, so Holm rejects everything Bonferroni does and more.
 */
final class Holm {
    /** The family-wise error rate the study's claims are held to. */
    static final double ALPHA = 0.05;

    private Holm() {}

    /** One comparison's place in the procedure: its rank (0: the smallest p), the level it faces, and the decision. */
    record Step(int rank, double threshold, boolean rejected) {}

    /** Which of the p-values Holm rejects at alpha, in their given order. */
    static boolean[] rejected(double[] p, double alpha) {
        Step[] steps = steps(p, alpha);
        boolean[] r = new boolean[p.length];
        for (int i = 0; i < r.length; i++) r[i] = steps[i].rejected();
        return r;
    }

    /** Each p-value's step, in their given order. Equal p-values keep their given order among themselves. */
    static Step[] steps(double[] p, double alpha) {
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) throw new IllegalArgumentException("p-value " + i + " of the family is " + p[i] + ", not in [0, 1]");
        }
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        Step[] steps = new Step[p.length];
        boolean stopped = false;
        for (int rank = 0; rank < order.length; rank++) {
            double level = threshold(rank, p.length, alpha);
            stopped |= p[order[rank]] > level; // the first failure keeps it and every larger p
            steps[order[rank]] = new Step(rank, level, !stopped);
        }
        return steps;
    }

    /** The level the p-value of the given rank (0: the smallest) of m faces: alpha / (m - rank). */
    static double threshold(int rank, int m, double alpha) {
        return alpha / (m - rank);
    }
}
