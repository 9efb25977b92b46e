package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision batched matrix product C = A·B in the GotoBLAS style: B is packed into panels NR columns wide
 * and A into panels MR rows tall, with zero padding at the edges, so that the innermost kernel always multiplies an
 * MR x kc panel by a kc x NR panel held in registers (MR * NR/L vector accumulators, FMA in float). Blocking keeps
 * one packed B micro-panel in L1, the packed A block in L2 and the packed B block in L3.
 *
 * <p>The tile's height follows the register file. With 512-bit vectors (AVX-512, 32 registers) it is 8 rows: 16
 * accumulators. With narrower vectors (AVX2, 16 registers) it is 4 rows: C2 loads every broadcast A value of an
 * iteration ahead of the FMAs, so an 8-row tile needs 16 accumulators + 2 B vectors + 8 A values and C2 keeps five
 * accumulators on the stack, a load and a store around each of their FMAs (seen in the compiled loop); 8 + 2 + 4
 * fit, and the kernel ran 1.65x faster on an AVX2 AMD EPYC (docs/performance.md). Each element of C sums its
 * products in the same order whatever the tile.
 *
 * <p>A row-major A in a product of few columns is packed row by row instead, each row one contiguous copy, and read
 * by a kernel of its own: copying it into depth-major panels is a scalar transpose, which weighs most in such
 * products (see fewColumns).
 *
 * <p>Operands are described by (offset, batch stride, row stride, column stride), so row-major, column-major
 * (transposed views) and broadcast batches (stride 0) need no copies beyond the packing every product does.
 * Work is split across threads by blocks of rows (or of columns when there are few rows) and by batch entry.
 */
final class Sgemm {
    private Sgemm() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Register tile: MR rows of A times NR = 2 vectors of columns of B (MR x 2 accumulators; MR 8 or 4, above). */
    static final int MR = L >= 16 ? 8 : 4, NR = 2 * L;
    /** Cache blocks: KC deep (B micro-panel KC*NR floats fits L1), MC rows of A (fits L2), NC columns of B. */
    private static final int KC = 256, MC = 128, NC = 4096;

    /** A strided matrix operand: element (p, i, j) lives at data[off + p*bs + i*rs + j*cs]. */
    record Operand(float[] data, int off, int bs, int rs, int cs) {}

    /** Depth steps copied into one packed panel before the next: see packA and packB. */
    private static final int PACK_STEPS = 16;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][0]);

    /** A bias of n floats, element j at data[off + j*step], added to every row of a product. */
    record Bias(float[] data, int off, int step) {}

    /** c (batch, m, n), contiguous, receives a (batch, m, k) times b (batch, k, n); what c held is overwritten. */
    static void multiply(int batch, int m, int n, int k, Operand a, Operand b, float[] c) {
        multiply(batch, m, n, k, a, b, null, c, MR);
    }

    /** c (batch, m, n), contiguous, receives bias + a times b; what c held is overwritten. */
    static void multiply(int batch, int m, int n, int k, Operand a, Operand b, Bias bias, float[] c) {
        multiply(batch, m, n, k, a, b, bias, c, MR);
    }

    /** As above with tiles 'rows' (8 or 4) tall, whatever this machine's vectors: the tests check both kernels. */
    static void multiply(int batch, int m, int n, int k, Operand a, Operand b, float[] c, int rows) {
        multiply(batch, m, n, k, a, b, null, c, rows);
    }

    private static void multiply(int batch, int m, int n, int k, Operand a, Operand b, Bias bias, float[] c, int rows) {
        if (rows != 8 && rows != 4) throw new IllegalArgumentException("tile rows must be 8 or 4, got " + rows);
        if (batch == 0 || m == 0 || n == 0) return;
        // The first depth block of each tile starts from this row (the bias, or zeros) instead of reading c: c is
        // then written without being read first, and on a product no deeper than KC never read at all.
        float[] startRow = bias == null ? zeros(n) : contiguous(bias, n);
        int startOff = bias != null && bias.step() == 1 ? bias.off() : 0;
        if (k == 0) {
            for (int r = 0; r < batch * m; r++) System.arraycopy(startRow, startOff, c, r * n, n);
            return;
        }
        long flops = 2L * batch * m * n * k;
        // Split rows (or columns when the product is short and wide) so that every thread gets work; tiny
        // products stay on the calling thread because a hand-off costs tens of microseconds.
        int threads = flops < (1 << 22) ? 1 : Parallel.THREADS;
        int perBatch = batch >= 2 * threads ? 1 : Math.max(1, (threads + batch - 1) / batch);
        boolean splitRows = m >= n || n < 2 * NR;
        int extent = splitRows ? m : n, unit = splitRows ? rows : NR;
        perBatch = Math.max(1, Math.min(perBatch, (extent + unit - 1) / unit));
        int parts = perBatch;
        Parallel.forRange(batch * parts, threads == 1 ? Integer.MAX_VALUE : 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int p = t / parts, part = t % parts;
                int lo = blockEdge(extent, unit, parts, part), hi = blockEdge(extent, unit, parts, part + 1);
                if (lo >= hi) continue;
                int r0 = splitRows ? lo : 0, r1 = splitRows ? hi : m, c0 = splitRows ? 0 : lo, c1 = splitRows ? n : hi;
                block(p, r0, r1, c0, c1, n, k, a, b, c, m, rows, startRow, startOff);
            }
        });
    }

    /** At least n zeros, shared: never written. */
    private static volatile float[] zeros = new float[0];

    private static float[] zeros(int n) {
        float[] z = zeros;
        if (z.length < n) zeros = z = new float[n];
        return z;
    }

    /** The bias's data when its n elements are contiguous (from bias.off()), else a contiguous copy of them. */
    private static float[] contiguous(Bias bias, int n) {
        if (bias.step() == 1) return bias.data();
        float[] copy = new float[n];
        for (int j = 0; j < n; j++) copy[j] = bias.data()[bias.off() + j * bias.step()];
        return copy;
    }

    /** Start of part 'part' of 'parts' over [0, extent), on multiples of unit. */
    private static int blockEdge(int extent, int unit, int parts, int part) {
        int units = (extent + unit - 1) / unit;
        return Math.min(extent, (int) ((long) units * part / parts) * unit);
    }

    /**
     * One thread's share: rows [m0, m1) and columns [n0, n1) of batch entry p. Each element (i, j) of c is
     * startRow[startOff + j] plus its products, summed depth block by depth block.
     */
    private static void block(int p, int m0, int m1, int n0, int n1, int ldc, int k, Operand a, Operand b, float[] c, int m,
                              int rows, float[] startRow, int startOff) {
        float[][] buf = BUFFERS.get();
        int ncMax = Math.min(NC, roundUp(n1 - n0, NR)), mcMax = Math.min(MC, roundUp(m1 - m0, rows));
        if (buf[0].length < KC * ncMax) buf[0] = new float[KC * ncMax];
        if (buf[1].length < KC * mcMax) buf[1] = new float[KC * mcMax];
        float[] bp = buf[0], ap = buf[1];
        float[] tile = new float[rows * NR], tileZeros = zeros(NR);
        int cBase = p * m * ldc;
        boolean rowPanels = rows == 8 && a.cs() == 1 && fewColumns(ldc);
        for (int jc = n0; jc < n1; jc += NC) {
            int nc = Math.min(NC, n1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, p, pc, kc, jc, nc, bp);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic);
                    if (rowPanels) packARows(a, p, ic, mc, pc, kc, ap);
                    else packA(a, p, ic, mc, pc, kc, ap, rows);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += rows) {
                            int mr = Math.min(rows, mc - ir);
                            int co = cBase + (ic + ir) * ldc + jc + jr;
                            if (mr == rows && nr == NR) {
                                // The tile's start: startRow on the first depth block, else what c holds.
                                float[] src = pc == 0 ? startRow : c;
                                int so = pc == 0 ? startOff + jc + jr : co, step = pc == 0 ? 0 : ldc;
                                if (rowPanels) kernel8Rows(kc, ap, ir * kc, bp, bo, c, co, ldc, src, so, step);
                                else if (rows == 8) kernel8(kc, ap, ir * kc, bp, bo, c, co, ldc, src, so, step);
                                else kernel4(kc, ap, ir * kc, bp, bo, c, co, ldc, src, so, step);
                            } else {
                                // An edge tile: the products into 'tile' (from zeros), then added to its start.
                                if (rowPanels) kernel8Rows(kc, ap, ir * kc, bp, bo, tile, 0, NR, tileZeros, 0, 0);
                                else if (rows == 8) kernel8(kc, ap, ir * kc, bp, bo, tile, 0, NR, tileZeros, 0, 0);
                                else kernel4(kc, ap, ir * kc, bp, bo, tile, 0, NR, tileZeros, 0, 0);
                                for (int r = 0; r < mr; r++) {
                                    for (int q = 0; q < nr; q++) {
                                        int at = co + r * ldc + q;
                                        c[at] = (pc == 0 ? startRow[startOff + jc + jr + q] : c[at]) + tile[r * NR + q];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether a product with row-major A and n columns packs A as rows (packARows, kernel8Rows) instead of
     * transposing it into depth-major panels. Packing A costs about m * k element moves against 2 m n k FLOPs, so it
     * weighs most when n is small, and the transposing copy is scalar. On the AVX-512 Xeon (one thread, call by call
     * in one JVM, 2026-12-03) row panels made 4096 x n x k products 1.23-1.27x as fast at n 128, 1.11-1.21x at n 256,
     * and 0.99x at n 512 (the 8-row-stream kernel is then no faster than the panel one): hence n up to 256.
     */
    private static boolean fewColumns(int n) {
        return n <= 256;
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    /** Packs rows [i0, i0+mc) x depth [q0, q0+kc) of A as row-tall panels: ap[panel*kc*rows + q*rows + r], zero-padded. */
    private static void packA(Operand a, int p, int i0, int mc, int q0, int kc, float[] ap, int rows) {
        float[] d = a.data();
        int rs = a.rs(), cs = a.cs(), base = a.off() + p * a.bs() + q0 * cs;
        int full = rs == 1 ? mc / rows * rows : 0;
        if (full > 0) {
            // Column-major A (a transposed view): each depth step is a contiguous run of rows, copied a panel's rows
            // (one 128- or 256-bit vector) at a time. PACK_STEPS steps go into one panel before the next: panels lie
            // kc * rows floats (4 KiB at kc 256, rows 4) apart, so one step into every panel in turn wrote 32 lines
            // of the same L1 set (with these runs the weight gradients' gᵀ·x ran 1.01-1.19x as fast: docs/performance.md).
            // The species are constants in each loop: chosen at run time, C2 did not compile the copies to vector moves
            // (the products ran 0.64-0.93x as fast).
            for (int qb = 0; qb < kc; qb += PACK_STEPS) {
                int qe = Math.min(kc, qb + PACK_STEPS);
                for (int ir = 0; ir < full; ir += rows) {
                    int src = base + i0 + ir, dst = ir * kc;
                    if (rows == 8) {
                        for (int q = qb; q < qe; q++) FloatVector.fromArray(FloatVector.SPECIES_256, d, src + q * cs).intoArray(ap, dst + q * 8);
                    } else {
                        for (int q = qb; q < qe; q++) FloatVector.fromArray(FloatVector.SPECIES_128, d, src + q * cs).intoArray(ap, dst + q * 4);
                    }
                }
            }
        }
        for (int ir = full; ir < mc; ir += rows) {
            int mr = Math.min(rows, mc - ir), dst = ir * kc;
            if (mr < rows) java.util.Arrays.fill(ap, dst, dst + kc * rows, 0f);
            if (cs == 1) {
                // Row-major A: read each row contiguously, scatter into the panel with stride rows.
                for (int r = 0; r < mr; r++) {
                    int src = base + (i0 + ir + r) * rs;
                    for (int q = 0; q < kc; q++) ap[dst + q * rows + r] = d[src + q];
                }
            } else {
                // Column-major tails or general strides: read the rows of one column at a time.
                for (int q = 0; q < kc; q++) {
                    int src = base + q * cs + (i0 + ir) * rs, o = dst + q * rows;
                    for (int r = 0; r < mr; r++) ap[o + r] = d[src + r * rs];
                }
            }
        }
    }

    /**
     * Packs rows [i0, i0+mc) x depth [q0, q0+kc) of a row-major A as 8-row panels stored row by row:
     * ap[panel*kc*8 + r*kc + q], zero-padded. Each row is one contiguous copy (see {@link #kernel8Rows}).
     */
    private static void packARows(Operand a, int p, int i0, int mc, int q0, int kc, float[] ap) {
        float[] d = a.data();
        int rs = a.rs(), base = a.off() + p * a.bs() + q0;
        for (int ir = 0; ir < mc; ir += 8) {
            int mr = Math.min(8, mc - ir), dst = ir * kc;
            for (int r = 0; r < mr; r++) System.arraycopy(d, base + (i0 + ir + r) * rs, ap, dst + r * kc, kc);
            if (mr < 8) java.util.Arrays.fill(ap, dst + mr * kc, dst + 8 * kc, 0f);
        }
    }

    /** Packs depth [q0, q0+kc) x columns [j0, j0+nc) of B as NR-column panels: bp[panel*kc*NR + q*NR + c]. */
    private static void packB(Operand b, int p, int q0, int kc, int j0, int nc, float[] bp) {
        float[] d = b.data();
        int rs = b.rs(), cs = b.cs(), base = b.off() + p * b.bs() + q0 * rs;
        int full = cs == 1 ? nc / NR * NR : 0;
        // Row-major B: each panel row is NR consecutive floats of a row of B. PACK_STEPS rows at a time across all
        // panels, then the next rows: the rows are read in order, and each panel gets a run of PACK_STEPS * NR floats
        // (a panel per row in turn would write lines kc * NR floats apart, all in one L1 set).
        for (int qb = 0; qb < kc; qb += PACK_STEPS) {
            int qe = Math.min(kc, qb + PACK_STEPS);
            for (int jr = 0; jr < full; jr += NR) {
                for (int q = qb; q < qe; q++) {
                    int src = base + q * rs + j0 + jr, o = jr * kc + q * NR;
                    FloatVector.fromArray(S, d, src).intoArray(bp, o);
                    FloatVector.fromArray(S, d, src + L).intoArray(bp, o + L);
                }
            }
        }
        for (int jr = full; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = jr * kc;
            if (rs == 1) {
                // Column-major B (a transposed view): read each column contiguously.
                if (nr < NR) java.util.Arrays.fill(bp, dst, dst + kc * NR, 0f);
                for (int col = 0; col < nr; col++) {
                    int src = base + (j0 + jr + col) * cs;
                    for (int q = 0; q < kc; q++) bp[dst + q * NR + col] = d[src + q];
                }
            } else {
                for (int q = 0; q < kc; q++) {
                    int src = base + q * rs + (j0 + jr) * cs, o = dst + q * NR;
                    for (int col = 0; col < nr; col++) bp[o + col] = d[src + col * cs];
                    for (int col = nr; col < NR; col++) bp[o + col] = 0f;
                }
            }
        }
    }

    /**
     * c[co + r*ldc + j] = src[so + r*step + j] + sum_q ap[ao + q*8 + r] * bp[bo + q*NR + j] for the full 8 x NR tile:
     * src is c itself (so = co, step = ldc) to accumulate, or one row for every row of the tile (step 0).
     */
    private static void kernel8(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                float[] src, int so, int step) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        // Indices are affine in the loop counter q so that C2 can hoist the array bounds checks out of the loop.
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * NR, aq = ao + q * 8;
            FloatVector b0 = FloatVector.fromArray(S, bp, bq), b1 = FloatVector.fromArray(S, bp, bq + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[aq]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[aq + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[aq + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[aq + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[aq + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[aq + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[aq + 6]);
            c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[aq + 7]);
            c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        // Written out rather than through a helper: passing vectors to a call that is not inlined boxes them.
        int o, t;
        o = co;
        t = so;
        FloatVector.fromArray(S, src, t).add(c00).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c01).intoArray(c, o + L);
        o = co + ldc;
        t = so + step;
        FloatVector.fromArray(S, src, t).add(c10).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c11).intoArray(c, o + L);
        o = co + 2 * ldc;
        t = so + 2 * step;
        FloatVector.fromArray(S, src, t).add(c20).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c21).intoArray(c, o + L);
        o = co + 3 * ldc;
        t = so + 3 * step;
        FloatVector.fromArray(S, src, t).add(c30).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c31).intoArray(c, o + L);
        o = co + 4 * ldc;
        t = so + 4 * step;
        FloatVector.fromArray(S, src, t).add(c40).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c41).intoArray(c, o + L);
        o = co + 5 * ldc;
        t = so + 5 * step;
        FloatVector.fromArray(S, src, t).add(c50).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c51).intoArray(c, o + L);
        o = co + 6 * ldc;
        t = so + 6 * step;
        FloatVector.fromArray(S, src, t).add(c60).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c61).intoArray(c, o + L);
        o = co + 7 * ldc;
        t = so + 7 * step;
        FloatVector.fromArray(S, src, t).add(c70).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c71).intoArray(c, o + L);
    }

    /**
     * {@link #kernel8} with the A panel stored row by row (packARows): ap[ao + r*kc + q], read as 8 streams. The
     * products are summed in the same order, so the results are the same bits. A method of its own rather than a
     * stride parameter of kernel8, so that every index in both loops is q plus a constant.
     */
    private static void kernel8Rows(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                    float[] src, int so, int step) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a0 = ao, a1 = ao + kc, a2 = ao + 2 * kc, a3 = ao + 3 * kc, a4 = ao + 4 * kc, a5 = ao + 5 * kc, a6 = ao + 6 * kc, a7 = ao + 7 * kc;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bq), b1 = FloatVector.fromArray(S, bp, bq + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[a0 + q]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[a1 + q]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[a2 + q]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[a3 + q]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[a4 + q]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[a5 + q]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[a6 + q]);
            c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[a7 + q]);
            c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        int o, t;
        o = co;
        t = so;
        FloatVector.fromArray(S, src, t).add(c00).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c01).intoArray(c, o + L);
        o = co + ldc;
        t = so + step;
        FloatVector.fromArray(S, src, t).add(c10).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c11).intoArray(c, o + L);
        o = co + 2 * ldc;
        t = so + 2 * step;
        FloatVector.fromArray(S, src, t).add(c20).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c21).intoArray(c, o + L);
        o = co + 3 * ldc;
        t = so + 3 * step;
        FloatVector.fromArray(S, src, t).add(c30).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c31).intoArray(c, o + L);
        o = co + 4 * ldc;
        t = so + 4 * step;
        FloatVector.fromArray(S, src, t).add(c40).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c41).intoArray(c, o + L);
        o = co + 5 * ldc;
        t = so + 5 * step;
        FloatVector.fromArray(S, src, t).add(c50).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c51).intoArray(c, o + L);
        o = co + 6 * ldc;
        t = so + 6 * step;
        FloatVector.fromArray(S, src, t).add(c60).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c61).intoArray(c, o + L);
        o = co + 7 * ldc;
        t = so + 7 * step;
        FloatVector.fromArray(S, src, t).add(c70).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c71).intoArray(c, o + L);
    }

    /** The 4 x NR tile of {@link #kernel8}, for 16-register machines: ap holds 4-row panels. */
    private static void kernel4(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                float[] src, int so, int step) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * NR, aq = ao + q * 4;
            FloatVector b0 = FloatVector.fromArray(S, bp, bq), b1 = FloatVector.fromArray(S, bp, bq + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[aq]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[aq + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[aq + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[aq + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        int o, t;
        o = co;
        t = so;
        FloatVector.fromArray(S, src, t).add(c00).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c01).intoArray(c, o + L);
        o = co + ldc;
        t = so + step;
        FloatVector.fromArray(S, src, t).add(c10).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c11).intoArray(c, o + L);
        o = co + 2 * ldc;
        t = so + 2 * step;
        FloatVector.fromArray(S, src, t).add(c20).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c21).intoArray(c, o + L);
        o = co + 3 * ldc;
        t = so + 3 * step;
        FloatVector.fromArray(S, src, t).add(c30).intoArray(c, o);
        FloatVector.fromArray(S, src, t + L).add(c31).intoArray(c, o + L);
    }
}
