package jtrain.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Work done, in units of 1000 floating-point operations; JMH reports it per microsecond, i.e. in GFLOP/s. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopWork {
    public long kiloflop;

    @Setup(Level.Iteration)
    public void reset() {
        kiloflop = 0;
    }
}
