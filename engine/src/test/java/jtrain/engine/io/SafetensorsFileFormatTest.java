package jtrain.engine.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
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

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;

/** Files built byte by byte: the dtypes only other writers produce, and every kind of damage. */
class SafetensorsFileFormatTest {
    @TempDir
    Path dir;

    /** 8-byte little-endian header length, the header, then the data. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    private static byte[] le(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (bytesPerValue == 2) b.putShort((short) v);
            else if (bytesPerValue == 4) b.putInt((int) v);
            else b.putLong(v);
        }
        return b.array();
    }

    private Path save(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    @Test
    void bf16AndF16AreWidenedToF32() throws Exception {
        // bf16 0x3FC0 = 1.5, 0xC040 = -3; f16 0x3C00 = 1, 0xC500 = -5, 0x7C00 = +inf
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(le(2, 0x3FC0, 0xC040));
        data.write(le(2, 0x3C00, 0xC500, 0x7C00));
        Path p = save("half.safetensors", file("""
                {"b": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]},
                 "h": {"dtype": "F16", "shape": [1, 3], "data_offsets": [4, 10]}}""", data.toByteArray()));

        Map<String, Tensor> t = Safetensors.read(p);

        assertEquals(DType.F32, t.get("b").dtype());
        assertArrayEquals(new float[] {1.5f, -3f}, t.get("b").toFloatArray());
        assertArrayEquals(new int[] {1, 3}, t.get("h").shape());
        assertArrayEquals(new float[] {1f, -5f, Float.POSITIVE_INFINITY}, t.get("h").toFloatArray());
    }

    @Test
    void i64TokenIdsBecomeI32() throws Exception {
        Path p = save("ids.safetensors", file("""
                {"ids": {"dtype": "I64", "shape": [3], "data_offsets": [0, 24]}}""", le(8, 101, -1, Integer.MAX_VALUE)));

        Tensor ids = Safetensors.read(p).get("ids");

        assertEquals(DType.I32, ids.dtype());
        assertArrayEquals(new int[] {101, -1, Integer.MAX_VALUE}, ids.toIntArray());
    }

    @Test
    void anI64ValueBeyondI32IsAnErrorNamingTheTensor() throws Exception {
        Path p = save("big.safetensors", file("""
                {"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}""", le(8, 1, 1L << 40)));
        assertRejected(p, "'ids'", "1099511627776", "I32");
    }

    @Test
    void theHeaderAloneGivesEachTensorsTypeAsReadAndShape() throws Exception {
        // Every file type: F32, F64 and I32 kept, BF16 and F16 widened, I64 narrowed, as read converts them. The I64
        // value beyond I32 would fail a read; the specs come from the header and never see it.
        Path p = save("all.safetensors", file("""
                {"f32": {"dtype": "F32", "shape": [2, 1], "data_offsets": [0, 8]},
                 "f64": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]},
                 "i32": {"dtype": "I32", "shape": [], "data_offsets": [16, 20]},
                 "bf16": {"dtype": "BF16", "shape": [2], "data_offsets": [20, 24]},
                 "f16": {"dtype": "F16", "shape": [1, 2], "data_offsets": [24, 28]},
                 "i64": {"dtype": "I64", "shape": [1], "data_offsets": [28, 36]}}""", new byte[36]));
        Map<String, TensorSpec> specs = Safetensors.tensorSpecs(p);
        Map<String, Tensor> read = Safetensors.read(p);
        for (String name : List.of("f32", "f64", "i32", "bf16", "f16")) assertEquals(TensorSpec.of(read.get(name)), specs.get(name), name);
        assertEquals(List.of("f32", "f64", "i32", "bf16", "f16", "i64"), List.copyOf(specs.keySet()), "the header's order");
        assertEquals(new TensorSpec(DType.I32, new int[] {1}), specs.get("i64"));

        Files.write(p, file("""
                {"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}""", le(8, 1, 1L << 40)));
        assertEquals(Map.of("ids", new TensorSpec(DType.I32, new int[] {2})), Safetensors.tensorSpecs(p));
    }

    @Test
    void unalignedDataFromOtherWritersStillReads() throws Exception {
        // A 1-element BF16 first puts the F32 at byte 2; nothing requires alignment when reading.
        Path p = save("unaligned.safetensors", file("""
                {"a": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]},
                 "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}}""",
                ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80).putFloat(2.5f).array()));
        Map<String, Tensor> t = Safetensors.read(p);
        assertEquals(1.0, t.get("a").item());
        assertEquals(2.5, t.get("b").item());
    }

    // ---- damaged files -------------------------------------------------------------------------------------

    private static final String ONE_F32 = "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}";

    @Test
    void fileShorterThanTheLengthField() throws Exception {
        assertRejected(save("tiny.safetensors", new byte[] {1, 2, 3}), "truncated");
    }

    @Test
    void headerLengthBeyondTheFile() throws Exception {
        byte[] b = file(ONE_F32, new byte[8]);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertRejected(save("len.safetensors", b), "header length", "beyond the end");
    }

    @Test
    void dataCutShort() throws Exception {
        assertRejected(save("cut.safetensors", file(ONE_F32, new byte[5])), "'w'", "out of range");
    }

    @Test
    void headerThatIsNotJson() throws Exception {
        assertRejected(save("json.safetensors", file("{\"w\": {\"dtype\": ", new byte[0])), "not valid JSON");
    }

    @Test
    void unknownDtype() throws Exception {
        assertRejected(save("dtype.safetensors", file(ONE_F32.replace("F32", "Q7"), new byte[8])), "'w'", "dtype 'Q7'");
    }

    @Test
    void offsetsThatDoNotMatchTheShape() throws Exception {
        assertRejected(save("size.safetensors", file(ONE_F32.replace("[2]", "[3]"), new byte[12])), "'w'", "needs 12");
    }

    @Test
    void overlappingTensors() throws Exception {
        Path p = save("overlap.safetensors", file("""
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", new byte[12]));
        assertRejected(p, "'a'", "'b'", "overlap");
    }

    @Test
    void dataTheHeaderDoesNotDescribe() throws Exception {
        // The tensors must tile the data section: no gap, no bytes before the first or after the last.
        assertRejected(save("gap.safetensors", file("""
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}}""", new byte[16])), "'b'", "gap");
        assertRejected(save("late.safetensors", file(ONE_F32.replace("[0, 8]", "[4, 12]"), new byte[12])), "'w'", "starts at byte 4");
        assertRejected(save("trailing.safetensors", file(ONE_F32, new byte[9])), "9 bytes", "trailing");
        byte[] latin1 = file(ONE_F32.replace("\"w\"", "\"w\u00e9\""), new byte[8]);
        latin1[8 + ONE_F32.indexOf("\"w\"") + 2] = (byte) 0xE9; // a lone Latin-1 byte where UTF-8 needs two
        assertRejected(save("latin1.safetensors", latin1), "not valid UTF-8");
    }

    @Test
    void malformedEntries() throws Exception {
        assertRejected(save("shape.safetensors", file(ONE_F32.replace("[2]", "[-2]"), new byte[8])), "'w'", "shape");
        assertRejected(save("offs.safetensors", file(ONE_F32.replace("[0, 8]", "[8]"), new byte[8])), "'w'", "data_offsets");
        assertRejected(save("meta.safetensors", file("{\"__metadata__\": {\"k\": 1}}", new byte[0])), "__metadata__");
    }

    private static void assertRejected(Path p, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.read(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "mentions " + f + ": " + e.getMessage());
    }

    // ---- atomic writing ---------------------------------------------------------------------------------------

    /** Storage that claims to live on a GPU that does not exist, so copying it to the host fails mid-write. */
    private static Tensor unreadableTensor() {
        Storage s = new Storage() {
            public Device device() { return Device.cuda(7); }
            public DType dtype() { return DType.F32; }
            public int length() { return 4; }
        };
        return new Tensor(s, 4);
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileIntact() throws Exception {
        Path file = dir.resolve("checkpoint.safetensors");
        Safetensors.write(file, Map.of("step", Tensor.of(new float[] {1, 2})), Map.of("step", "1"));
        byte[] before = Files.readAllBytes(file);

        Map<String, Tensor> next = new LinkedHashMap<>();
        next.put("fine", Tensor.of(new double[] {3, 4}));  // F64 is laid out first, so it is written before the failure
        next.put("broken", unreadableTensor());
        assertThrows(IllegalStateException.class, () -> Safetensors.write(file, next, Map.of("step", "2")));

        assertArrayEquals(before, Files.readAllBytes(file), "the old file is untouched");
        assertEquals(Map.of("step", "1"), Safetensors.readMetadata(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the temporary file was removed");
        }
    }

    @Test
    void writingIntoAMissingFolderNamesTheFile() {
        Path file = dir.resolve("no/such/folder/model.safetensors");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> Safetensors.write(file, Map.of("a", Tensor.zeros(1)), null));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
