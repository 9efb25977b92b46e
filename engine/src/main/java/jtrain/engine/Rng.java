package jtrain.engine;

/**
 * A seeded random generator whose whole state is one long (SplitMix64), so training runs can save and restore it
 * exactly when they checkpoint.
 */
public final class Rng {
    /**
     * SplitMix64's step: the state after n draws is the state plus n times this, so draw n is mix(state + n * STEP).
     * The dropout kernels derive their counter-based draws the same way.
     */
    public static final long STEP = 0x9E3779B97F4A7C15L;

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        return mix(state += STEP);
    }

    /** SplitMix64's output function: a good 64-bit hash, also used for counter-based draws (dropout). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return unit(nextLong());
    }

    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** Standard normal (Box-Muller; one draw per call keeps the state a single long). */
    public double nextGaussian() {
        double g = gaussianFrom(state);
        state += GAUSSIAN_STEPS * STEP;
        return g;
    }

    /** The number of 64-bit steps one {@link #nextGaussian} takes. */
    private static final long GAUSSIAN_STEPS = 2;

    /**
     * Takes n Gaussian draws at once: returns the state the first starts from and moves past all of them. Draw i
     * (0-based) is then {@link #gaussianAt}(start, i), the very value the i-th of n calls to nextGaussian gives, so
     * the draws can be computed in any order, on any number of threads.
     */
    public long skipGaussians(long n) {
        if (n < 0) throw new IllegalArgumentException("cannot skip a negative number of draws: " + n);
        long start = state;
        state += n * GAUSSIAN_STEPS * STEP; // wraps as n single steps would
        return start;
    }

    /** The i-th standard normal after start (a state {@link #skipGaussians} returned). */
    public static double gaussianAt(long start, long i) {
        return gaussianFrom(start + i * GAUSSIAN_STEPS * STEP);
    }

    /** Box-Muller from the two draws after state s. */
    private static double gaussianFrom(long s) {
        double u1 = 1.0 - unit(mix(s + STEP)); // (0, 1], so log is finite
        double u2 = unit(mix(s + 2 * STEP));
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
