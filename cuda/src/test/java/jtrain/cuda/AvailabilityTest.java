package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Device;

/** Runs everywhere: without a GPU, starting the backend gives a reason instead of an exception, and selection falls back. */
class AvailabilityTest {
    @Test
    void tryInitAnswersWithoutThrowing() {
        Cuda.Status s = Cuda.tryInit();
        assertNotNull(s);
        if (s.available()) {
            assertEquals(null, s.reason());
            assertEquals("cuda", s.backend().name());
        } else {
            assertTrue(s.reason() != null && !s.reason().isBlank(), "a reason is given");
            assertTrue(s.reason().matches("(?s).*(libcuda|device|cuBLAS|PTX|cuInit|failed).*"), s.reason());
        }
        assertEquals(s, Cuda.tryInit(), "the answer is cached");
    }

    @Test
    void autoFallsBackToTheCpuWithOneLine() {
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        Device d = Devices.select("auto", new PrintStream(notes, true, StandardCharsets.UTF_8));
        String text = notes.toString(StandardCharsets.UTF_8);
        if (Cuda.tryInit().available()) {
            assertEquals(Device.cuda(0), d);
            assertEquals("", text);
        } else {
            assertEquals(Device.CPU, d);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.contains(Cuda.tryInit().reason()), text);
        }
    }

    @Test
    void cudaFailsWithTheReasonAndCpuAlwaysWorks() {
        assertEquals(Device.CPU, Devices.select("cpu"));
        if (!Cuda.tryInit().available()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.select("cuda"));
            assertTrue(e.getMessage().contains(Cuda.tryInit().reason()), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.select("tpu"));
        assertTrue(e.getMessage().contains("auto, cpu or cuda"));
    }

    @Test
    void tf32AndBf16AreGpuModesTheCpuNotesAndOtherPrecisionsAreRefused() {
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(notes, true, StandardCharsets.UTF_8);
        Devices.setPrecision(Device.CPU, "fp32", out);
        assertEquals("", notes.toString(StandardCharsets.UTF_8));
        Devices.setPrecision(Device.CPU, "TF32", out);
        Devices.setPrecision(Device.CPU, "bf16", out);
        assertEquals(List.of("precision: fp32 (tf32 is a GPU mode; the CPU computes in fp32)", "precision: fp32 (bf16 is a GPU mode; the CPU computes in fp32)"),
                notes.toString(StandardCharsets.UTF_8).lines().toList());
        IllegalArgumentException fp16 = assertThrows(IllegalArgumentException.class, () -> Devices.setPrecision(Device.CPU, "fp16", out));
        assertTrue(fp16.getMessage().contains("unknown precision 'fp16' (expected fp32, tf32 or bf16)"), fp16.getMessage());
    }

    @Test
    void cublasBindingReportsAMissingLibraryAsAReason() {
        if (Cublas.LIBRARY == null) {
            assertTrue(Cublas.unavailableReason().contains("libcublas.so.13"), Cublas.unavailableReason());
            CudaException e = assertThrows(CudaException.class, () -> Cublas.cublasCreate_v2(java.lang.foreign.MemorySegment.NULL));
            assertTrue(e.getMessage().startsWith("cublasCreate_v2"), e.getMessage());
        } else {
            assertFalse(Cublas.LIBRARY.isBlank());
        }
    }
}
