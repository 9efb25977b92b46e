package jtrain.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import jtrain.training.bench.TrainStepBench;
import jtrain.transformer.Activation;
import jtrain.training.pretrain.PretrainConfig;

/**
 * One full BERT masked-LM training step (forward with logits at every position, backward, AdamW) on the vector
 * backend, batch 32 x 128 tokens, vocabulary 8192: what {@code ./trainer bench} measures, under JMH. Only "tiny" by
 * default to keep the run short; add {@code -p model=tiny,mini,small,base} for the others (base takes about a minute
 * a step on 2 cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStepBenchmark {
    @Param({"tiny"})
    public String model;

    /** hidden_act, any name Activation accepts. */
    @Param({"gelu"})
    public String act;

    private TrainStepBench.Session session;

    @Setup
    public void setup() {
        int[] s = PretrainConfig.modelShape(model);
        session = new TrainStepBench.Session(new TrainStepBench.Options(s[0], s[1], s[2], s[3],
                Activation.fromHfName(act, "-p act"), 8192, 32, 128, 0, 1, false, false, false));
    }

    @Benchmark
    public double step() {
        return session.step();
    }
}
