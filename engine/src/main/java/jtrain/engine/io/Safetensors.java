package jtrain.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.BFloat16;
import jtrain.engine.CpuStorage;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backends;
import jtrain.engine.io.SafetensorsHeader.Entry;
import jtrain.engine.io.SafetensorsHeader.FileDType;

/**
 * Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * header ({@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}}), then the raw
 * little-endian tensor data, offsets counted from the start of the data.
 *
 * <p>Reading memory-maps the file and copies each tensor once into its array; I64 becomes I32 (token ids), BF16 and
 * F16 become F32. Writing is atomic (see {@link AtomicFiles}). Malformed files fail with an
 * {@link IllegalArgumentException} naming the file and, where it applies, the tensor.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Hugging Face's reader refuses larger headers too; it also keeps a corrupt length from allocating gigabytes. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // ---- reading -------------------------------------------------------------------------------------------

    /** All tensors, on the CPU, in the order of the header. */
    public static Map<String, Tensor> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long headerLength = headerLength(ch, file);
            SafetensorsHeader header = parseHeader(ch, file, headerLength);
            long dataStart = 8 + headerLength, dataLength = ch.size() - dataStart;
            // The mapping is released when the arena closes, not whenever the GC gets to it.
            MemorySegment data = dataLength == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength, arena);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : header.entries()) out.put(e.name(), toTensor(data, e, file));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read the safetensors file: " + IoErrors.reason(e), e);
        }
    }

    /** The tensors' names, in the order of the header, which alone is read. */
    public static List<String> tensorNames(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return parseHeader(ch, file, headerLength(ch, file)).entries().stream().map(Entry::name).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read the safetensors file: " + IoErrors.reason(e), e);
        }
    }

    /** Each tensor's type (as read) and shape, in the order of the header, which alone is read. */
    public static Map<String, TensorSpec> tensorSpecs(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, TensorSpec> out = new LinkedHashMap<>();
            for (Entry e : parseHeader(ch, file, headerLength(ch, file)).entries()) out.put(e.name(), new TensorSpec(e.dtype().heldAs(), e.shape()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read the safetensors file: " + IoErrors.reason(e), e);
        }
    }

    /** The string-to-string "__metadata__" of the header (empty when absent). */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return parseHeader(ch, file, headerLength(ch, file)).metadata();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read the safetensors file: " + IoErrors.reason(e), e);
        }
    }

    private static long headerLength(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) throw new IllegalArgumentException(file + ": truncated safetensors file: " + size + " bytes, less than the 8-byte header length");
        ByteBuffer b = readFully(ch, 0, 8);
        long n = b.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 0 || n > size - 8) {
            throw new IllegalArgumentException(file + ": header length " + Long.toUnsignedString(n) + " goes beyond the end of the file ("
                    + size + " bytes; truncated or not a safetensors file)");
        }
        if (n > MAX_HEADER_BYTES) throw new IllegalArgumentException(file + ": header length " + n + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
        return n;
    }

    private static SafetensorsHeader parseHeader(FileChannel ch, Path file, long n) throws IOException {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(readFully(ch, 8, (int) n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": the safetensors header is not valid UTF-8");
        }
        return SafetensorsHeader.parse(json, file.toString(), ch.size() - 8 - n);
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new IOException("unexpected end of file");
        }
        return b.flip();
    }

    private static Tensor toTensor(MemorySegment data, Entry e, Path file) {
        return new Tensor(toStorage(data, e.dtype(), e.begin(), e.numel(), file + ": tensor '" + e.name() + "'"), e.shape());
    }

    /**
     * n dense little-endian values of the file type from byte 'at' of data, as jtrain holds them: F32, F64 and I32
     * kept, BF16 and F16 widened to F32, I64 narrowed to I32 (a value that does not fit is an error naming 'where').
     * Shared with {@link TorchCheckpoint}.
     */
    static Storage toStorage(MemorySegment data, FileDType dtype, long at, int n, String where) {
        return switch (dtype) {
            case F32 -> {
                float[] a = new float[n];
                MemorySegment.copy(data, F32, at, a, 0, n);
                yield CpuStorage.of(a);
            }
            case F64 -> {
                double[] a = new double[n];
                MemorySegment.copy(data, F64, at, a, 0, n);
                yield CpuStorage.of(a);
            }
            case I32 -> {
                int[] a = new int[n];
                MemorySegment.copy(data, I32, at, a, 0, n);
                yield CpuStorage.of(a);
            }
            case I64 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    long v = data.get(I64, at + 8L * i);
                    if (v != (int) v) {
                        throw new IllegalArgumentException(where + ": I64 value " + v + " at element " + i
                                + " does not fit the I32 tensor it is read into");
                    }
                    a[i] = (int) v;
                }
                yield CpuStorage.of(a);
            }
            case BF16 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = BFloat16.toFloat(data.get(I16, at + 2L * i));
                yield CpuStorage.of(a);
            }
            case F16 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = Float.float16ToFloat(data.get(I16, at + 2L * i));
                yield CpuStorage.of(a);
            }
        };
    }

    // ---- writing -------------------------------------------------------------------------------------------

    /**
     * Writes the tensors (any device, any strides; F32, F64, I32 or BF16) and optional metadata atomically. The
     * header lists them in the map's order; the data is laid out by decreasing element size so that, with the
     * header padded to a multiple of 8 bytes, every tensor starts aligned to its element size.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<String> layout = new ArrayList<>(tensors.keySet());
        for (String name : layout) {
            if (name == null || name.equals(SafetensorsHeader.METADATA_KEY)) throw new IllegalArgumentException(file + ": invalid tensor name " + name);
            if (tensors.get(name) == null) throw new IllegalArgumentException(file + ": tensor '" + name + "' is null");
        }
        layout.sort(Comparator.comparingInt((String name) -> tensors.get(name).dtype().bytes).reversed());

        Map<String, long[]> offsets = new LinkedHashMap<>();
        long at = 0;
        for (String name : layout) {
            Tensor t = tensors.get(name);
            long size = (long) t.numel() * t.dtype().bytes;
            offsets.put(name, new long[] {at, at + size});
            at += size;
        }
        byte[] header = headerBytes(tensors, offsets, metadata);
        AtomicFiles.write(file, ch -> {
            ByteBuffer start = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            start.putLong(header.length).put(header).flip();
            writeFully(ch, start);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (String name : layout) writeData(ch, hostData(tensors.get(name)), buf);
        });
    }

    private static byte[] headerBytes(Map<String, Tensor> tensors, Map<String, long[]> offsets, Map<String, String> metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) root.put(SafetensorsHeader.METADATA_KEY, metadata);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.getValue().dtype().name());
            info.put("shape", e.getValue().shape());
            info.put("data_offsets", offsets.get(e.getKey()));
            root.put(e.getKey(), info);
        }
        StringBuilder json = new StringBuilder(Json.write(root));
        // Pad with spaces (valid JSON whitespace) so the data starts 8-byte aligned, as Hugging Face does.
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - (8 + bytes.length) % 8) % 8;
        return pad == 0 ? bytes : json.append(" ".repeat(pad)).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The elements in row-major order on the host, without a copy when the tensor already is exactly that. */
    private static CpuStorage hostData(Tensor t) {
        Tensor src = t.detach();
        if (!(src.isContiguous() && src.offset() == 0 && src.storage().length() == src.numel())) {
            Tensor c = Tensor.zeros(src.dtype(), src.device(), src.shape());
            Backends.of(src).copy(src, c);
            src = c;
        }
        return Backends.of(src).toHost(src.storage());
    }

    private static void writeData(FileChannel ch, CpuStorage s, ByteBuffer buf) throws IOException {
        int n = s.length(), bytes = s.dtype.bytes, perChunk = buf.capacity() / bytes;
        for (int i = 0; i < n; i += perChunk) {
            int k = Math.min(perChunk, n - i);
            buf.clear();
            switch (s.dtype) {
                case F32 -> buf.asFloatBuffer().put(s.f32, i, k);
                case F64 -> buf.asDoubleBuffer().put(s.f64, i, k);
                case I32 -> buf.asIntBuffer().put(s.i32, i, k);
                case BF16 -> buf.asShortBuffer().put(s.bf16, i, k);
            }
            buf.limit(k * bytes);
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
