package jtrain.training.finetune;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Scores of predicted against gold numbers: mean squared error, Pearson's correlation, and Spearman's (Pearson's of
 * the ranks, tied values sharing their average rank, as scipy.stats.spearmanr). A correlation with a constant side is
 * NaN (undefined), as in scipy.
 */
public final class RegressionMetrics {
    private RegressionMetrics() {}

    public static double mse(double[] gold, double[] predicted) {
        check(gold, predicted);
        double sum = 0;
        for (int i = 0; i < gold.length; i++) sum += (predicted[i] - gold[i]) * (predicted[i] - gold[i]);
        return gold.length == 0 ? Double.NaN : sum / gold.length;
    }

    public static double pearson(double[] x, double[] y) {
        check(x, y);
        int n = x.length;
        if (n < 2) return Double.NaN;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    public static double spearman(double[] x, double[] y) {
        check(x, y);
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks; equal values get the mean of the ranks they span. */
    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] rank = new double[v.length];
        for (int start = 0; start < v.length; ) {
            int end = start;
            while (end + 1 < v.length && v[order[end + 1]] == v[order[start]]) end++;
            double mean = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) rank[order[k]] = mean;
            start = end + 1;
        }
        return rank;
    }

    private static void check(double[] gold, double[] predicted) {
        if (gold.length != predicted.length)
            throw new IllegalArgumentException(gold.length + " gold values but " + predicted.length + " predictions");
    }
}
