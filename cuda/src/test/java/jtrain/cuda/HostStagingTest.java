package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The pinned upload ring's bookkeeping, over ordinary memory with the driver calls recorded. */
class HostStagingTest {
    final List<String> calls = new ArrayList<>();
    final MemorySegment ring = Arena.ofAuto().allocate(HostStaging.CHUNKS * HostStaging.CHUNK_BYTES, 256);
    final HostStaging staging = new HostStaging(ring) {
        @Override
        protected void copyAsync(long dst, long offset, long bytes) {
            calls.add("copy " + bytes + " bytes from " + offset + " to " + dst);
        }

        @Override
        protected void recordLeaving(int chunk) {
            calls.add("record " + chunk);
        }

        @Override
        protected void awaitLeaving(int chunk) {
            calls.add("await " + chunk);
        }
    };

    @Test
    void copiesTheBytesIntoTheRingAtAlignedOffsetsAndQueuesThem() {
        staging.upload(1000, MemorySegment.ofArray(new int[] {1, 2, 3}), 12);
        staging.upload(2000, MemorySegment.ofArray(new float[] {0.5f}), 4);
        assertEquals(List.of("copy 12 bytes from 0 to 1000", "copy 4 bytes from 256 to 2000"), calls);
        assertArrayEquals(new int[] {1, 2, 3}, ring.asSlice(0, 12).toArray(ValueLayout.JAVA_INT));
        assertEquals(0.5f, ring.get(ValueLayout.JAVA_FLOAT, 256));
    }

    @Test
    void aChunkIsReusedOnlyAfterWaitingForItsEvent() {
        long full = HostStaging.CHUNK_BYTES;
        MemorySegment big = Arena.ofAuto().allocate(full);
        for (int i = 0; i < HostStaging.CHUNKS; i++) staging.upload(i, big, full); // one full chunk each
        assertEquals(HostStaging.CHUNKS + HostStaging.CHUNKS - 1, calls.size(), "no wait while fresh chunks remain: " + calls);
        calls.clear();
        staging.upload(99, big, 1); // back to chunk 0
        assertEquals(List.of("record " + (HostStaging.CHUNKS - 1), "await 0", "copy 1 bytes from 0 to 99"), calls);
    }
}
