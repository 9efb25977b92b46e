package jtrain.training.pretrain;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

class PackingTest {
    @Test
    void documentsAreJoinedWithSepAndCutIntoFullBlocks() {
        List<int[]> seqs = Packing.pack(List.of(new int[] {10, 11, 12}, new int[] {20, 21, 22, 23}), 6, 2, 3, 3);
        assertArrayEquals(new int[] {2, 10, 11, 12, 3, 3}, seqs.get(0));
        assertArrayEquals(new int[] {2, 20, 21, 22, 23, 3}, seqs.get(1));
        assertEquals(2, seqs.size());
    }

    @Test
    void aShortTailBelowTheMinimumIsDropped() {
        assertEquals(1, Packing.pack(List.of(new int[] {1, 1, 1, 1, 1}), 6, 2, 3, 4).size());
        assertEquals(2, Packing.pack(List.of(new int[] {1, 1, 1, 1, 1, 1}), 6, 2, 3, 4).size());
    }
}
