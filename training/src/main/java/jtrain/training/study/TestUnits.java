package jtrain.training.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.TaskExample;

/**
 * What the bootstrap needs of one model's test predictions, per unit of resampling: an example, or for tagging a
 * sentence (its words are correlated, so they are drawn together). For accuracy it keeps the scored and correct words
 * of each unit; for macro-F1 the gold and predicted label of each example. testSet fingerprints the test examples
 * (their token ids and gold labels), so two models are paired only when they were scored on the same examples.
 */
sealed interface TestUnits {
    int size();

    String testSet();

    /** The score on a resample: weights[i] is how many times unit i was drawn (all ones: the test set itself). */
    double score(int[] weights);

    /** Compact form for the run's stored result (results/ft-*.json). */
    Map<String, Object> toMap();

    /** Per-sentence counts; accuracy = correct words / scored words over the drawn sentences. */
    record Accuracy(int[] scored, int[] correct, String testSet) implements TestUnits {
        public int size() {
            return scored.length;
        }

        public double score(int[] w) {
            long n = 0, c = 0;
            for (int i = 0; i < scored.length; i++) {
                n += (long) w[i] * scored[i];
                c += (long) w[i] * correct[i];
            }
            return n == 0 ? Double.NaN : (double) c / n;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = header("accuracy", testSet);
            m.put("scored", scored);
            m.put("correct", correct);
            return m;
        }
    }

    /** One label per example; macro-F1 as {@link jtrain.training.finetune.Metrics#macroF1}, with drawn examples counted as often as drawn. */
    record MacroF1(int[] gold, int[] predicted, int numLabels, String testSet) implements TestUnits {
        public int size() {
            return gold.length;
        }

        public double score(int[] w) {
            long[] tp = new long[numLabels], fp = new long[numLabels], fn = new long[numLabels];
            for (int i = 0; i < gold.length; i++) {
                if (w[i] == 0) continue;
                if (gold[i] == predicted[i]) {
                    tp[gold[i]] += w[i];
                } else {
                    fn[gold[i]] += w[i];
                    fp[predicted[i]] += w[i];
                }
            }
            double sum = 0;
            int classes = 0;
            for (int c = 0; c < numLabels; c++) {
                long denom = 2 * tp[c] + fp[c] + fn[c];
                if (denom == 0) continue; // a class neither drawn nor predicted does not count
                sum += 2.0 * tp[c] / denom;
                classes++;
            }
            return classes == 0 ? Double.NaN : sum / classes;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = header("macro_f1", testSet);
            m.put("labels", numLabels);
            m.put("gold", gold);
            m.put("predicted", predicted);
            return m;
        }
    }

    /**
     * Held-out masked-LM loss per sequence: the summed cross-entropy and the count of predicted tokens of each; the
     * loss of a resample is their ratio over the drawn sequences (lower is better, unlike the scores above).
     */
    record MlmLoss(double[] loss, int[] predicted, String testSet) implements TestUnits {
        public int size() {
            return loss.length;
        }

        public double score(int[] w) {
            double sum = 0;
            long n = 0;
            for (int i = 0; i < loss.length; i++) {
                sum += w[i] * loss[i];
                n += (long) w[i] * predicted[i];
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = header("mlm_loss", testSet);
            m.put("loss", loss);
            m.put("predicted", predicted);
            return m;
        }
    }

    /** The start of every stored form: which kind of units, on which test set. */
    private static Map<String, Object> header(String metric, String testSet) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("test_set", testSet);
        return m;
    }

    /** The units of an evaluation of test (in the order the evaluator scored it) under metric. */
    static TestUnits of(String metric, List<TaskExample> test, EvalResult r, int numLabels) {
        String set = fingerprint(test);
        if (metric.equals("macro_f1")) {
            if (r.gold().length != test.size())
                throw new IllegalArgumentException("macro-F1 units need one label per example: " + r.gold().length + " labels for " + test.size() + " examples");
            return new MacroF1(r.gold().clone(), r.predicted().clone(), numLabels, set);
        }
        if (!metric.equals("accuracy")) throw new IllegalArgumentException("no bootstrap units for metric '" + metric + "'");
        int[] scored = new int[test.size()], correct = new int[test.size()];
        int k = 0;
        for (int i = 0; i < test.size(); i++) {
            for (int l : test.get(i).labels()) {
                if (l < 0) continue;
                if (k >= r.gold().length) break;
                scored[i]++;
                if (r.gold()[k] == r.predicted()[k]) correct[i]++;
                k++;
            }
        }
        if (k != r.gold().length)
            throw new IllegalArgumentException("the test examples hold " + k + " scored words but the evaluation scored " + r.gold().length);
        return new Accuracy(scored, correct, set);
    }

    /** Reads the form {@link #toMap} wrote; name says whose units these are in errors. */
    static TestUnits fromMap(Map<?, ?> m, String name) {
        String set = String.valueOf(m.get("test_set"));
        return switch (String.valueOf(m.get("metric"))) {
            case "accuracy" -> new Accuracy(ints(m, "scored", name), ints(m, "correct", name), set);
            case "macro_f1" -> new MacroF1(ints(m, "gold", name), ints(m, "predicted", name), ((Number) m.get("labels")).intValue(), set);
            case "mlm_loss" -> new MlmLoss(doubles(m, "loss", name), ints(m, "predicted", name), set);
            default -> throw new IllegalArgumentException(name + ": test_units has an unknown metric '" + m.get("metric") + "'");
        };
    }

    private static int[] ints(Map<?, ?> m, String key, String name) {
        if (m.get(key) instanceof int[] a) return a; // a result made in this run, not read back from its file
        if (!(m.get(key) instanceof List<?> l)) throw new IllegalArgumentException(name + ": test_units." + key + " is missing");
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).intValue();
        return a;
    }

    private static double[] doubles(Map<?, ?> m, String key, String name) {
        if (m.get(key) instanceof double[] a) return a;
        if (!(m.get(key) instanceof List<?> l)) throw new IllegalArgumentException(name + ": units." + key + " is missing");
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).doubleValue();
        return a;
    }

    /** A hash of held-out MLM sequences (their token ids, in order) and the seed of their masks. */
    static String fingerprintSequences(List<int[]> sequences, long maskSeed) {
        return hash(Rng.mix(sequences.size() ^ maskSeed), sequences);
    }

    /** A hash of the examples' token ids and labels, in order. */
    static String fingerprint(List<TaskExample> examples) {
        List<int[]> parts = new ArrayList<>();
        for (TaskExample e : examples) {
            parts.add(e.ids());
            parts.add(e.labels());
        }
        return hash(examples.size(), parts);
    }

    private static String hash(long h, List<int[]> parts) {
        for (int[] p : parts) {
            h = Rng.mix(h ^ p.length);
            for (int v : p) h = Rng.mix(h + v);
        }
        return String.format("%016x", h);
    }
}
