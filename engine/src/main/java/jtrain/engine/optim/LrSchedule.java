package jtrain.engine.optim;

import java.util.Locale;
import java.util.function.LongToDoubleFunction;

/**
 * Learning rate as a function of the number of optimizer steps already taken, with the multipliers of Hugging Face's
 * get_constant_schedule(_with_warmup), get_linear_schedule_with_warmup and get_cosine_schedule_with_warmup (and its
 * min-lr variant). As there, warm-up starts at 0: {@code lr(0)} is the rate of the very first update.
 */
public final class LrSchedule {
    private final double baseLr;
    private final LongToDoubleFunction multiplier;
    private final String description;

    private LrSchedule(double baseLr, LongToDoubleFunction multiplier, String description) {
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, not " + baseLr);
        this.baseLr = baseLr;
        this.multiplier = multiplier;
        this.description = description;
    }

    public static LrSchedule constant(double lr) {
        return new LrSchedule(lr, step -> 1.0, "constant(" + lr + ")");
    }

    public static LrSchedule constantWithWarmup(double lr, long warmupSteps) {
        check(warmupSteps, Long.MAX_VALUE, 0);
        return new LrSchedule(lr, step -> step < warmupSteps ? warmup(step, warmupSteps) : 1.0,
                "constant(" + lr + ", warmup " + warmupSteps + ")");
    }

    /** Linear warm-up to lr over warmupSteps, then linear decay to 0 at totalSteps. */
    public static LrSchedule linear(double lr, long warmupSteps, long totalSteps) {
        check(warmupSteps, totalSteps, 0);
        return new LrSchedule(lr, step -> step < warmupSteps ? warmup(step, warmupSteps)
                : Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps)),
                "linear(" + lr + ", warmup " + warmupSteps + ", total " + totalSteps + ")");
    }

    public static LrSchedule cosine(double lr, long warmupSteps, long totalSteps) {
        return cosine(lr, warmupSteps, totalSteps, 0);
    }

    /**
     * Linear warm-up, then half a cosine from lr down to lr*minRatio at totalSteps. Past totalSteps the rate stays at
     * its floor (Hugging Face's formula would start rising again there).
     */
    public static LrSchedule cosine(double lr, long warmupSteps, long totalSteps, double minRatio) {
        check(warmupSteps, totalSteps, minRatio);
        return new LrSchedule(lr, step -> {
            if (step < warmupSteps) return warmup(step, warmupSteps);
            double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
            double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
            return Math.max(0.0, cosine * (1 - minRatio) + minRatio);
        }, "cosine(" + lr + ", warmup " + warmupSteps + ", total " + totalSteps + ", min ratio " + minRatio + ")");
    }

    /** By name, for configuration files: "constant", "constant_with_warmup", "linear" or "cosine". */
    public static LrSchedule of(String kind, double lr, long warmupSteps, long totalSteps, double minRatio) {
        return switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "constant" -> constant(lr);
            case "constant_with_warmup" -> constantWithWarmup(lr, warmupSteps);
            case "linear" -> linear(lr, warmupSteps, totalSteps);
            case "cosine" -> cosine(lr, warmupSteps, totalSteps, minRatio);
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + kind
                    + "' (expected constant, constant_with_warmup, linear or cosine)");
        };
    }

    /** The rate for the update that follows {@code step} completed steps. */
    public double lr(long step) {
        return baseLr * multiplier(step);
    }

    public double multiplier(long step) {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0, not " + step);
        return multiplier.applyAsDouble(step);
    }

    public double baseLr() {
        return baseLr;
    }

    /** Sets the optimizer's rate for its next step. */
    public void apply(Optimizer optimizer) {
        optimizer.setLr(lr(optimizer.stepCount()));
    }

    private static double warmup(long step, long warmupSteps) {
        return (double) step / Math.max(1, warmupSteps);
    }

    private static void check(long warmupSteps, long totalSteps, double minRatio) {
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps, not warmup " + warmupSteps + ", total " + totalSteps);
        }
        if (!(minRatio >= 0 && minRatio <= 1)) throw new IllegalArgumentException("minRatio must be in [0, 1], not " + minRatio);
    }

    @Override
    public String toString() {
        return description;
    }
}
