package jtrain.training.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Memory and GC figures of this JVM: the peak resident set (VmHWM from /proc/self/status, what the OS saw, comparable
 * with another process's max RSS) and the peak heap in use right after a collection (the live data, independent of
 * how far the collector let the heap grow), plus GC counts and time, and the page faults the process has taken (memory
 * the OS had to map and zero on first touch: a heap that shrinks and grows again pays them at every step).
 */
final class MemoryProbe implements AutoCloseable {
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final javax.management.NotificationListener listener = (n, h) -> {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
        peakAfterGc.accumulateAndGet(used, Math::max);
    };

    MemoryProbe() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) e.addNotificationListener(listener, null, null);
        }
    }

    /** Largest heap use seen right after a collection since this probe started (0 if none ran). */
    long peakHeapAfterGcBytes() {
        return peakAfterGc.get();
    }

    /** Collections and milliseconds spent in them since the JVM started: {count, ms}. */
    static long[] gcCountAndMillis() {
        long count = 0, ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    /** Page faults (minor + major) the process has taken since it started, from /proc/self/stat; -1 where it is missing. */
    static long pageFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, pgrp, session,
            // tty_nr, tpgid, flags, minflt, cminflt, majflt (proc(5)).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]) + Long.parseLong(f[9]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The process's peak resident set in bytes (VmHWM), or -1 where /proc is missing. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                try {
                    e.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // never added to this one
                }
            }
        }
    }
}
