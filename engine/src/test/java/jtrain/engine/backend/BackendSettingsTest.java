package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The settings that pick the CPU backend and its threads: bad values are reported, never silently replaced. */
class BackendSettingsTest {
    @Test
    void backendNamesAreCheckedWithTheReasonInTheMessage() {
        assertEquals("reference", Backends.byName(" Reference ").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("gpu"));
        assertTrue(e.getMessage().contains("unknown CPU backend 'gpu'"), e.getMessage());
    }

    @Test
    void threadSettingMustBeAPositiveInteger() {
        assertEquals(8, Parallel.threads(null, 8), "all cores by default");
        assertEquals(3, Parallel.threads(" 3 ", 8));
        assertEquals(8, Parallel.threads("abc", 8), "reported on stderr, then all cores");
        assertEquals(8, Parallel.threads("-2", 8));
    }
}
