package jtrain.training.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryProbeTest {
    @Test
    void touchingFreshlyMappedMemoryCountsPageFaults(@TempDir Path dir) throws IOException {
        long before = MemoryProbe.pageFaults();
        assumeTrue(before >= 0, "no /proc/self/stat on this system: page faults are not reported");
        // A new mapping has no pages yet: the OS maps each one the first time it is touched. (Memory from the
        // process's own allocator may be reused, already mapped; a new file mapping never is.)
        try (FileChannel file = FileChannel.open(dir.resolve("fresh"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer fresh = file.map(FileChannel.MapMode.READ_WRITE, 0, 8 << 20);
            for (int i = 0; i < fresh.capacity(); i += 4096) fresh.put(i, (byte) 1);
        }
        long after = MemoryProbe.pageFaults();
        assertTrue(after > before, "page faults before " + before + ", after touching a new 8 MB mapping: " + after);
    }

    @Test
    void peakResidentSetIsReported() {
        assumeTrue(MemoryProbe.pageFaults() >= 0, "no /proc on this system");
        assertTrue(MemoryProbe.peakRssBytes() > 0);
    }
}
