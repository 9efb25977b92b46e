package jtrain.engine.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.BFloat16;
import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Tensor;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyWritableDtypeAndShapeComesBackUnchanged() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("f32.matrix", Tensor.of(new float[] {1, -2.5f, 3, Float.MIN_VALUE, Float.MAX_VALUE, -0f}, 2, 3));
        in.put("f64.vector", Tensor.of(new double[] {Math.PI, -1e-300, 7}, 3));
        in.put("i32.cube", Tensor.ofInts(new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 5, 6, 7}, 2, 2, 2));
        in.put("f32.scalar", Tensor.scalar(4.25));
        in.put("f32.empty", Tensor.zeros(0, 3));
        in.put("i32.empty", Tensor.ofInts(new int[0], 0));
        Path file = dir.resolve("model.safetensors");

        Safetensors.write(file, in, Map.of("format", "pt"));
        Map<String, Tensor> out = Safetensors.read(file);

        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()), "header order is the map order");
        for (String name : in.keySet()) {
            Tensor a = in.get(name), b = out.get(name);
            assertArrayEquals(a.shape(), b.shape(), name);
            assertEquals(a.dtype(), b.dtype(), name);
            assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0, name);
        }
        assertEquals(0, out.get("f32.scalar").rank());
        assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(file));
    }

    @Test
    void bf16TensorsAreWrittenAsBf16AndReadBackAsF32() {
        short[] bits = {BFloat16.fromFloat(1.5f), BFloat16.fromFloat(-3.0f), BFloat16.fromFloat(1e30f)};
        Tensor bf16 = new Tensor(CpuStorage.ofBf16(bits), 3);
        Path file = dir.resolve("bf16.safetensors");

        Safetensors.write(file, Map.of("w", bf16), null);
        Tensor back = Safetensors.read(file).get("w");

        assertEquals(DType.F32, back.dtype());
        assertArrayEquals(new float[] {1.5f, -3.0f, BFloat16.toFloat(bits[2])}, back.toFloatArray());
        assertEquals(Map.of(), Safetensors.readMetadata(file), "no metadata written when none is given");
    }

    @Test
    void aFileWithNoDataBytesAtAll() {
        Path file = dir.resolve("empty.safetensors");
        Safetensors.write(file, Map.of("nothing", Tensor.zeros(0)), null);
        assertArrayEquals(new int[] {0}, Safetensors.read(file).get("nothing").shape());

        Safetensors.write(file, Map.of(), Map.of("only", "metadata"));
        assertEquals(Map.of(), Safetensors.read(file));
        assertEquals(Map.of("only", "metadata"), Safetensors.readMetadata(file));
    }

    @Test
    void nonContiguousViewsAreWrittenAsTheirRowMajorElements() {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("transposed", m.transpose(0, 1));      // [[1, 4], [2, 5], [3, 6]]
        in.put("column", m.slice(1, 1, 2));           // [[2], [5]] at offset 1
        in.put("broadcast", Tensor.of(new float[] {7, 8}, 2).expand(3, 2));
        Path file = dir.resolve("views.safetensors");

        Safetensors.write(file, in, Map.of());
        Map<String, Tensor> out = Safetensors.read(file);

        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out.get("transposed").toFloatArray());
        assertArrayEquals(new int[] {3, 2}, out.get("transposed").shape());
        assertArrayEquals(new float[] {2, 5}, out.get("column").toFloatArray());
        assertArrayEquals(new float[] {7, 8, 7, 8, 7, 8}, out.get("broadcast").toFloatArray());
    }

    /** The layout Hugging Face's reader insists on: aligned start, tensors packed back to back up to the end. */
    @Test
    void headerIsPaddedAndTensorsArePackedAlignedToTheirElementSize() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("odd.bf16", new Tensor(CpuStorage.ofBf16(new short[3]), 3));
        in.put("odd.f32", Tensor.zeros(3));
        in.put("f64", Tensor.zeros(DType.F64, Device.CPU, 1));
        Path file = dir.resolve("aligned.safetensors");
        Safetensors.write(file, in, Map.of("note", "x"));

        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data section starts 8-byte aligned");
        Map<String, Object> header = Json.parseObject(new String(bytes, 8, (int) n, StandardCharsets.UTF_8), "header");
        assertEquals(List.of("__metadata__", "odd.bf16", "odd.f32", "f64"), List.copyOf(header.keySet()));
        long f64Begin = offsets(header, "f64")[0], f32Begin = offsets(header, "odd.f32")[0], bf16Begin = offsets(header, "odd.bf16")[0];
        assertEquals(0, f64Begin);
        assertEquals(8, f32Begin);
        assertEquals(20, bf16Begin);
        assertEquals(bytes.length - 8 - n, offsets(header, "odd.bf16")[1], "the last tensor ends at the end of the file");
    }

    @SuppressWarnings("unchecked")
    private static long[] offsets(Map<String, Object> header, String name) {
        List<Object> o = (List<Object>) ((Map<String, Object>) header.get(name)).get("data_offsets");
        return new long[] {(Long) o.get(0), (Long) o.get(1)};
    }

    @Test
    void overwritingReplacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("ckpt.safetensors");
        Safetensors.write(file, Map.of("a", Tensor.of(new float[] {1})), null);
        Safetensors.write(file, Map.of("b", Tensor.of(new float[] {2, 3})), null);

        assertEquals(List.of("b"), List.copyOf(Safetensors.read(file).keySet()));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void namesThatWouldCorruptTheHeaderAreRefused() {
        Path file = dir.resolve("bad.safetensors");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(file, Map.of("__metadata__", Tensor.zeros(1)), null));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
        assertFalse(Files.exists(file));
    }
}
