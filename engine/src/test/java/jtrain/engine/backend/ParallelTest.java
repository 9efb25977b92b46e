package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The parallel loop: every index runs exactly once, whichever thread runs it; failures reach the caller; workers
 * that parked (no polling, or a long pause between loops) still take the next loop; nested loops and a second
 * thread's loop meanwhile run inline.
 */
class ParallelTest {
    private final long configuredSpin = Parallel.spinMicros();

    @AfterEach
    void restorePolling() {
        Parallel.setSpinMicros(configuredSpin); // as this JVM was started (-Djtrain.spinMicros, else the default)
    }

    private static void assertEachIndexOnce(int n, int grain) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        Parallel.forRange(n, grain, (from, to) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n);
    }

    @Test
    void everyIndexRunsOnceWithPollingOrParkedWorkers() throws InterruptedException {
        for (long spin : new long[] {200, 0}) {
            Parallel.setSpinMicros(spin);
            for (int n : new int[] {0, 1, 2, 3, 7, 1000}) assertEachIndexOnce(n, 1);
            for (int round = 0; round < 200; round++) assertEachIndexOnce(64, 1); // back to back
            for (int round = 0; round < 5; round++) {
                Thread.sleep(5); // long enough for the workers to park
                assertEachIndexOnce(64, 1);
            }
        }
    }

    @Test
    void workBelowTheGrainRunsOnTheCaller() {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> ran = new AtomicReference<>();
        Parallel.forRange(10, 100, (from, to) -> ran.set(Thread.currentThread()));
        assertSame(caller, ran.get());
    }

    @Test
    void aFailingChunkReachesTheCallerAfterTheOthersFinish() {
        for (long spin : new long[] {200, 0}) {
            Parallel.setSpinMicros(spin);
            int n = 2 * Parallel.THREADS;
            AtomicIntegerArray done = new AtomicIntegerArray(n);
            // The last chunk runs on a worker wherever there is one; the first on the caller.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) done.set(i, 1);
                if (to == n) throw new IllegalStateException("chunk ending at " + to);
            }));
            assertEquals("chunk ending at " + n, e.getMessage());
            for (int i = 0; i < n; i++) assertEquals(1, done.get(i), "index " + i + " ran before the failure was reported");
            assertThrows(ArithmeticException.class, () -> Parallel.forRange(n, 1, (from, to) -> {
                if (from == 0) throw new ArithmeticException("the caller's own chunk");
            }));
            assertEachIndexOnce(100, 1); // the workers are free again
        }
    }

    @Test
    void nestedLoopsRunInline() {
        AtomicIntegerArray hits = new AtomicIntegerArray(16 * 16);
        Parallel.forRange(16, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(16, 1, (f, t) -> {
                    for (int j = f; j < t; j++) hits.incrementAndGet(row * 16 + j);
                });
            }
        });
        for (int i = 0; i < 256; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void twoCallingThreadsEachGetTheirWholeRange() throws InterruptedException {
        int n = 500, rounds = 300;
        AtomicIntegerArray a = new AtomicIntegerArray(n), b = new AtomicIntegerArray(n);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                start.await();
                for (int r = 0; r < rounds; r++) Parallel.forRange(n, 1, (from, to) -> {
                    for (int i = from; i < to; i++) b.incrementAndGet(i);
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        other.start();
        start.countDown();
        for (int r = 0; r < rounds; r++) Parallel.forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) a.incrementAndGet(i);
        });
        other.join(TimeUnit.SECONDS.toMillis(60));
        assertTrue(failure.get() == null, () -> "other thread: " + failure.get());
        for (int i = 0; i < n; i++) {
            assertEquals(rounds, a.get(i));
            assertEquals(rounds, b.get(i));
        }
    }
}
