package jtrain.training.finetune;

/**
 * Classification scores over (gold, predicted) pairs of label ids; pairs with gold -100 are skipped (they are not
 * scored positions). Macro-F1 is the unweighted mean of per-class F1 over the classes that occur in the gold labels
 * or the predictions (as scikit-learn does); a gold class that is never predicted contributes F1 = 0.
 */
public final class Metrics {
    private Metrics() {}

    public static double accuracy(int[] gold, int[] predicted) {
        check(gold, predicted);
        long n = 0, correct = 0;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0) continue;
            n++;
            if (gold[i] == predicted[i]) correct++;
        }
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    public static double macroF1(int[] gold, int[] predicted, int numLabels) {
        double[] f1 = perClassF1(gold, predicted, numLabels);
        double sum = 0;
        int classes = 0;
        for (double f : f1) {
            if (Double.isNaN(f)) continue; // class absent from both gold and predictions
            sum += f;
            classes++;
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    /** F1 per class: 2·TP / (2·TP + FP + FN); NaN for a class that occurs in neither gold nor predictions. */
    public static double[] perClassF1(int[] gold, int[] predicted, int numLabels) {
        check(gold, predicted);
        long[] tp = new long[numLabels], fp = new long[numLabels], fn = new long[numLabels];
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0) continue;
            if (gold[i] == predicted[i]) {
                tp[gold[i]]++;
            } else {
                fn[gold[i]]++;
                fp[predicted[i]]++;
            }
        }
        double[] f1 = new double[numLabels];
        for (int c = 0; c < numLabels; c++) {
            long denom = 2 * tp[c] + fp[c] + fn[c];
            f1[c] = denom == 0 ? Double.NaN : 2.0 * tp[c] / denom;
        }
        return f1;
    }

    private static void check(int[] gold, int[] predicted) {
        if (gold.length != predicted.length)
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length + " predictions");
    }
}
