package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The --max-len note: silent up to 4,096 positions, then the attention scores' size (N x N x heads x 4 bytes). */
class LongSequenceNoteTest {
    @Test
    void upTo4096PositionsThereIsNoNote() {
        assertNull(LongSequenceNote.of(4096, 12));
        assertNull(LongSequenceNote.of(128, 2));
    }

    @Test
    void aLongerModelIsToldItsAttentionMemoryPerLayerPerSequence() {
        assertEquals("note: --max-len 100000 makes a model of 100,000 positions; its attention scores alone take about 149.0 GiB "
                + "per layer per sequence (100000 x 100000 positions x 4 heads x 4 bytes)", LongSequenceNote.of(100_000, 4));
        assertEquals("note: --max-len 4097 makes a model of 4,097 positions; its attention scores alone take about 768 MiB "
                + "per layer per sequence (4097 x 4097 positions x 12 heads x 4 bytes)", LongSequenceNote.of(4097, 12));
    }
}
