package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend.Reduce;
import jtrain.engine.ops.Views;

/**
 * The vector backend's column reductions (a bias gradient: a (tokens, features) gradient summed over its rows) add
 * rows in fixed chunks of {@link VectorReduce#ROW_CHUNK} and then the chunks in order. The result therefore depends
 * on the shape alone: these tests pin that order bit for bit against a scalar float loop, and check that one thread
 * and all threads give the same bits, also for the LayerNorm backward's column sums (its gamma and beta gradients).
 */
class ColumnReductionTest {
    private final Backend vec = new VectorBackend();
    private final Rng rng = new Rng(5);

    /** The documented order in plain float arithmetic: x laid out as (outer, red, inner), reduced over red. */
    private static float[] chunkedOrder(Reduce op, float[] x, int off, int outer, int red, int inner) {
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                float total = 0;
                for (int r0 = 0; r0 < red; r0 += VectorReduce.ROW_CHUNK) {
                    float part = x[off + (o * red + r0) * inner + j];
                    for (int r = r0 + 1; r < Math.min(red, r0 + VectorReduce.ROW_CHUNK); r++) {
                        float v = x[off + (o * red + r) * inner + j];
                        part = op == Reduce.SUM ? part + v : Math.max(part, v);
                    }
                    total = r0 == 0 ? part : op == Reduce.SUM ? total + part : Math.max(total, part);
                }
                out[o * inner + j] = total;
            }
        }
        return out;
    }

    private static float[] values(Tensor t) {
        return t.contiguous().toFloatArray();
    }

    @Test
    void columnSumsFollowTheFixedChunkOrderForEveryShape() {
        // Rows: below, at and past one chunk, and a multiple of it (BERT-mini's 4096 tokens); columns: one lane,
        // a vector tail, a vector multiple, FFN width, and past one column block of 1024.
        int[][] shapes = {{1, 3}, {63, 17}, {64, 33}, {65, 16}, {130, 1}, {1030, 130}, {4096, 256}, {4096, 1024}, {200, 1500}};
        for (int[] s : shapes) {
            Tensor x = Tensor.randn(rng, s);
            for (Reduce op : Reduce.values()) {
                if (s[1] == 1) continue; // a single column is a row reduction, not this kernel
                float[] expected = chunkedOrder(op, values(x), 0, 1, s[0], s[1]);
                assertArrayEquals(expected, values(vec.reduce(op, x, new boolean[] {true, false})), 0f,
                        op + " over the rows of " + Arrays.toString(s));
            }
        }
    }

    @Test
    void middleDimensionsAndOffsetViewsReduceInTheSameOrder() {
        Tensor x = Tensor.randn(rng, 3, 150, 20);
        assertArrayEquals(chunkedOrder(Reduce.SUM, values(x), 0, 3, 150, 20),
                values(vec.reduce(Reduce.SUM, x, new boolean[] {false, true, false})), 0f, "(3, 150, 20) over dim 1");
        // Rows 5..204 of a (210, 37) tensor: contiguous, at an offset of 5 rows into its storage.
        Tensor base = Tensor.randn(rng, 210, 37);
        Tensor rows = Views.strided(base, new int[] {200, 37}, new int[] {37, 1}, 5 * 37);
        assertTrue(rows.isContiguous());
        assertArrayEquals(chunkedOrder(Reduce.SUM, values(base), 5 * 37, 1, 200, 37),
                values(vec.reduce(Reduce.SUM, rows, new boolean[] {true, false})), 0f, "an offset view");
        Tensor sum = vec.reduce(Reduce.SUM, rows, new boolean[] {true, false});
        assertArrayEquals(new int[] {1, 37}, sum.shape());
    }

    @Test
    void oneThreadAndAllThreadsGiveTheSameBits() {
        for (int[] s : new int[][] {{4096, 256}, {4096, 1024}, {1030, 130}, {5000, 7}}) {
            Tensor x = Tensor.randn(rng, s);
            boolean[] rows = {true, false};
            float[] parallel = values(vec.reduce(Reduce.SUM, x, rows));
            float[][] serial = new float[1][];
            Parallel.serially(() -> serial[0] = values(vec.reduce(Reduce.SUM, x, rows)));
            assertArrayEquals(serial[0], parallel, 0f, "threads " + Parallel.THREADS + " vs 1 on " + Arrays.toString(s));
        }
    }

    @Test
    void negativeZeroColumnsStayNegativeZero() {
        // The first row of each chunk starts its partial (no +0 start), so a column of -0 sums to -0 as in float math.
        float[] data = new float[100 * 20];
        Arrays.fill(data, -0f);
        Tensor x = Tensor.of(data, 100, 20);
        for (float v : values(vec.reduce(Reduce.SUM, x, new boolean[] {true, false}))) {
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v));
        }
    }

    @Test
    void layerNormGradientsAreTheSameOnOneThreadAndAll() {
        Tensor x = Tensor.randn(rng, 4096, 256), gy = Tensor.randn(rng, 4096, 256), gamma = Tensor.randn(rng, 256);
        Tensor[] stats = vec.layerNorm(x, gamma, Tensor.randn(rng, 256), 1e-12);
        Tensor[] parallel = vec.layerNormBackward(gy, x, gamma, stats[1], stats[2]);
        Tensor[][] serial = new Tensor[1][];
        Parallel.serially(() -> serial[0] = vec.layerNormBackward(gy, x, gamma, stats[1], stats[2]));
        String[] names = {"gx", "ggamma", "gbeta"};
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(values(serial[0][i]), values(parallel[i]), 0f, names[i] + ", threads " + Parallel.THREADS + " vs 1");
        }
    }
}
