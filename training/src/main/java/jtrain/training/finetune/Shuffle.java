package jtrain.training.finetune;

import jtrain.engine.Rng;

/** Fisher-Yates permutations from the run's generator, so example order is a function of the seed alone. */
final class Shuffle {
    private Shuffle() {}

    static int[] permutation(int n, Rng rng) {
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
}
