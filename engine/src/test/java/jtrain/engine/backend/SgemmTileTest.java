package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The SGEMM's two register tiles (8 rows for 32-register AVX-512 machines, 4 rows for 16-register AVX2 ones) are
 * both checked here, whichever one this machine's vectors select: against a product summed in double, over sizes
 * that leave short panels and cross the cache blocks, for row-major, column-major and broadcast operands. With a
 * row-major A and at most 256 columns the 8-row tile reads A packed row by row (Sgemm.packARows): the shapes here
 * take both paths, and the 4-row tile, which never does, must give the same bits.
 */
class SgemmTileTest {
    private static final int[][] SHAPES = { // batch, m, n, k
        {1, 1, 1, 1}, {1, 4, 16, 8}, {1, 8, 32, 8}, {2, 13, 37, 29}, {1, 200, 70, 300}, {3, 131, 33, 257}, {1, 5, 600, 40},
    };

    @Test
    void bothTilesMatchADoublePrecisionProductForEveryLayout() {
        Random rnd = new Random(7);
        for (int[] s : SHAPES) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            for (boolean aColumnMajor : new boolean[] {false, true}) {
                for (boolean bColumnMajor : new boolean[] {false, true}) {
                    for (boolean bBroadcast : new boolean[] {false, true}) {
                        float[] ad = random(rnd, batch * m * k), bd = random(rnd, (bBroadcast ? 1 : batch) * k * n);
                        Sgemm.Operand a = aColumnMajor ? new Sgemm.Operand(ad, 0, m * k, 1, m) : new Sgemm.Operand(ad, 0, m * k, k, 1);
                        int bs = bBroadcast ? 0 : k * n;
                        Sgemm.Operand b = bColumnMajor ? new Sgemm.Operand(bd, 0, bs, 1, k) : new Sgemm.Operand(bd, 0, bs, n, 1);
                        double[] expected = product(batch, m, n, k, a, b);
                        String what = java.util.Arrays.toString(s) + " aT=" + aColumnMajor + " bT=" + bColumnMajor + " bcast=" + bBroadcast;
                        float[] c8 = new float[batch * m * n], c4 = new float[batch * m * n];
                        Sgemm.multiply(batch, m, n, k, a, b, c8, 8);
                        Sgemm.multiply(batch, m, n, k, a, b, c4, 4);
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(expected[i], c8[i], 1e-4 * Math.sqrt(k), "8-row tile, " + what + " element " + i);
                        }
                        // Each element sums its products in the same order whatever the tile's height.
                        assertArrayEquals(c8, c4, "4-row tile differs from the 8-row one, " + what);
                    }
                }
            }
        }
    }

    @Test
    void whatTheOutputHeldBeforeIsOverwrittenNotAddedTo() {
        // The first depth block of each tile starts from the bias (or zeros) rather than reading c, so c can hold
        // anything: NaN here. Shapes with edge tiles, several depth blocks (k > 256) and both A packings.
        Random rnd = new Random(11);
        for (int[] s : new int[][] {{1, 37, 70, 300}, {2, 16, 64, 8}, {1, 9, 300, 520}}) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            Sgemm.Operand a = new Sgemm.Operand(random(rnd, batch * m * k), 0, m * k, k, 1);
            Sgemm.Operand b = new Sgemm.Operand(random(rnd, batch * k * n), 0, k * n, n, 1);
            float[] biasData = random(rnd, 2 * n);
            for (Sgemm.Bias bias : new Sgemm.Bias[] {null, new Sgemm.Bias(biasData, 3, 1), new Sgemm.Bias(biasData, 1, 2)}) {
                float[] fresh = new float[batch * m * n], dirty = new float[batch * m * n];
                java.util.Arrays.fill(dirty, Float.NaN);
                Sgemm.multiply(batch, m, n, k, a, b, bias, fresh);
                Sgemm.multiply(batch, m, n, k, a, b, bias, dirty);
                assertArrayEquals(fresh, dirty, java.util.Arrays.toString(s) + " bias " + bias);
                double[] plain = product(batch, m, n, k, a, b);
                for (int i = 0; i < plain.length; i++) {
                    double expected = plain[i] + (bias == null ? 0 : biasData[bias.off() + (i % n) * bias.step()]);
                    assertEquals(expected, fresh[i], 1e-4 * Math.sqrt(k), java.util.Arrays.toString(s) + " element " + i);
                }
            }
        }
        // No depth at all: the bias alone, or zeros.
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Sgemm.Operand empty = new Sgemm.Operand(new float[0], 0, 0, 0, 1);
        Sgemm.multiply(1, 2, 2, 0, empty, empty, new Sgemm.Bias(new float[] {5, 6}, 0, 1), c);
        assertArrayEquals(new float[] {5, 6, 5, 6}, c);
        Sgemm.multiply(1, 2, 2, 0, empty, empty, c);
        assertArrayEquals(new float[4], c);
    }

    @Test
    void theDefaultTileFollowsTheVectorWidth() {
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        assertEquals(lanes >= 16 ? 8 : 4, Sgemm.MR, "AVX-512 has room for 8 x 2 accumulators, AVX2 for 4 x 2");
        assertThrows(IllegalArgumentException.class, () -> Sgemm.multiply(1, 1, 1, 1,
                new Sgemm.Operand(new float[1], 0, 1, 1, 1), new Sgemm.Operand(new float[1], 0, 1, 1, 1), new float[1], 6));
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    private static double[] product(int batch, int m, int n, int k, Sgemm.Operand a, Sgemm.Operand b) {
        double[] c = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++) {
                        sum += (double) a.data()[a.off() + p * a.bs() + i * a.rs() + q * a.cs()]
                                * b.data()[b.off() + p * b.bs() + q * b.rs() + j * b.cs()];
                    }
                    c[(p * m + i) * n + j] = sum;
                }
            }
        }
        return c;
    }
}
