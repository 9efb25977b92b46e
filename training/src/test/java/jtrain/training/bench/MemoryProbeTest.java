package jtrain.training.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class MemoryProbeTest {
    @Test
    void touchingFreshMemoryCountsPageFaults() {
        long before = MemoryProbe.pageFaults();
        assumeTrue(before >= 0, "no /proc/self/stat on this system: page faults are not reported");
        // Off-heap memory is new to the process: the OS maps and zeroes each page the first time it is touched.
        ByteBuffer fresh = ByteBuffer.allocateDirect(32 << 20);
        for (int i = 0; i < fresh.capacity(); i += 4096) fresh.put(i, (byte) 1);
        long after = MemoryProbe.pageFaults();
        assertTrue(after > before, "page faults before " + before + ", after touching 32 MB: " + after);
    }

    @Test
    void peakResidentSetIsReported() {
        assumeTrue(MemoryProbe.pageFaults() >= 0, "no /proc on this system");
        assertTrue(MemoryProbe.peakRssBytes() > 0);
    }
}
