package jtrain.training.finetune;

/**
 * Scores of multi-label predictions, each example's gold and predicted label sets as rows of 0/1 (a label is
 * predicted when its probability is above 0.5, i.e. its logit above 0). Micro-F1 pools every (example, label)
 * decision; macro-F1 is the mean of each label's F1 over all labels, a label with no gold and no predicted positive
 * counting 0 (scikit-learn's f1_score(average="macro") on indicator rows, zero_division 0); exact match is the
 * fraction of examples whose whole set is right (scikit-learn's accuracy_score on indicator rows).
 */
public final class MultiLabelMetrics {
    private MultiLabelMetrics() {}

    public static double microF1(boolean[][] gold, boolean[][] predicted) {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < check(gold, predicted); i++) {
            for (int j = 0; j < gold[i].length; j++) {
                if (gold[i][j] && predicted[i][j]) tp++;
                else if (predicted[i][j]) fp++;
                else if (gold[i][j]) fn++;
            }
        }
        return f1(tp, fp, fn);
    }

    public static double macroF1(boolean[][] gold, boolean[][] predicted) {
        int n = check(gold, predicted);
        if (n == 0) return Double.NaN;
        int labels = gold[0].length;
        double sum = 0;
        for (int j = 0; j < labels; j++) {
            long tp = 0, fp = 0, fn = 0;
            for (int i = 0; i < n; i++) {
                if (gold[i][j] && predicted[i][j]) tp++;
                else if (predicted[i][j]) fp++;
                else if (gold[i][j]) fn++;
            }
            sum += f1(tp, fp, fn);
        }
        return sum / labels;
    }

    public static double exactMatch(boolean[][] gold, boolean[][] predicted) {
        int n = check(gold, predicted), right = 0;
        for (int i = 0; i < n; i++) if (java.util.Arrays.equals(gold[i], predicted[i])) right++;
        return n == 0 ? Double.NaN : (double) right / n;
    }

    /** 2·TP / (2·TP + FP + FN), 0 when there is nothing to count. */
    private static double f1(long tp, long fp, long fn) {
        long denom = 2 * tp + fp + fn;
        return denom == 0 ? 0 : 2.0 * tp / denom;
    }

    private static int check(boolean[][] gold, boolean[][] predicted) {
        if (gold.length != predicted.length)
            throw new IllegalArgumentException(gold.length + " gold rows but " + predicted.length + " predicted rows");
        return gold.length;
    }
}
