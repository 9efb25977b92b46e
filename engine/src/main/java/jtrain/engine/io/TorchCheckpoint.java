package jtrain.engine.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import jtrain.engine.Shapes;
import jtrain.engine.Tensor;
import jtrain.engine.io.TorchPickle.StorageRef;
import jtrain.engine.io.TorchPickle.StorageType;
import jtrain.engine.io.TorchPickle.TensorRef;

/**
 * Reads a state dict saved by PyTorch's torch.save (such as a Hugging Face pytorch_model.bin) without Python, and
 * without executing anything: the pickle is read by a restricted {@link Unpickler} that knows only the globals of a
 * state dict ({@link TorchPickle}). Two layouts exist:
 * <ul>
 * <li>zip (torch >= 1.6): ARCHIVE/data.pkl, the pickle; ARCHIVE/data/KEY, each storage's raw bytes;
 * ARCHIVE/byteorder, "little" or "big" (torch >= 2.1; little-endian before).</li>
 * <li>legacy (torch < 1.6, or _use_new_zipfile_serialization=False): five pickles in a row (a magic number, the
 * protocol version 1001, system info, the state dict, the list of storage keys), then each storage in that order as
 * an int64 element count and its raw bytes.</li>
 * </ul>
 * Tensors come back as {@link Safetensors#read} gives them: dense, on the CPU, F32 and F64 kept, F16 and BF16 as
 * F32, I32 kept, I64 as I32 (refused when a value does not fit). A tensor may be any strided window of a storage that
 * other tensors share (tied weights, views); it is copied out densely. Bad input fails with an
 * {@link IllegalArgumentException} naming the file and, where it applies, the tensor.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {}

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    /** All tensors, on the CPU, in the order of the state dict. */
    public static Map<String, Tensor> read(Path file) {
        return readLayout(file, (zip, archive) -> zipTensors(zip, archive, file), bytes -> legacyTensors(file, bytes));
    }

    /** The state dict's tensor names, in its order, from the pickle alone: no storage is read. */
    public static List<String> tensorNames(Path file) {
        return readLayout(file, (zip, archive) -> List.copyOf(zipStateDict(zip, archive, file).keySet()),
                bytes -> List.copyOf(legacyStateDict(file, bytes).stateDict().keySet()));
    }

    /** Each tensor's type (as read) and shape, in the state dict's order, from the pickle alone: no storage is read. */
    public static Map<String, TensorSpec> tensorSpecs(Path file) {
        return readLayout(file, (zip, archive) -> specs(zipStateDict(zip, archive, file), file),
                bytes -> specs(legacyStateDict(file, bytes).stateDict(), file));
    }

    private static Map<String, TensorSpec> specs(Map<String, TensorRef> refs, Path file) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        refs.forEach((name, t) -> {
            String where = file + ": tensor '" + name + "'";
            out.put(name, new TensorSpec(fileType(t, where).heldAs(), shape(t, where)));
        });
        return out;
    }

    /** Reads an archive of the zip layout, given it and the folder ("archive/") its data.pkl is in. */
    @FunctionalInterface
    private interface ZipReader<T> {
        T read(ZipFile zip, String archive) throws IOException;
    }

    /** The file read by zip or legacy, whichever its layout is. */
    private static <T> T readLayout(Path file, ZipReader<T> zip, Function<MemorySegment, T> legacy) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            if (ch.size() < 4) throw new IllegalArgumentException(file + ": truncated: " + ch.size() + " bytes is too short for a torch.save file");
            MemorySegment bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            if (bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) == 0x04034b50) return inZip(file, zip); // "PK\3\4"
            if (bytes.get(ValueLayout.JAVA_BYTE, 0) == (byte) 0x80) return legacy.apply(bytes); // a pickle's PROTO
            throw new IllegalArgumentException(file + ": not a torch.save file (neither a zip archive nor a pickle)");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read the torch.save file: " + IoErrors.reason(e), e);
        }
    }

    // ---- the zip layout ------------------------------------------------------------------------------------

    private static <T> T inZip(Path file, ZipReader<T> reader) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String archive = zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/data.pkl") || n.equals("data.pkl"))
                    .findFirst().map(n -> n.substring(0, n.length() - "data.pkl".length()))
                    .orElseThrow(() -> new IllegalArgumentException(file + ": a zip archive without data.pkl: not a torch.save file"));
            return reader.read(zip, archive);
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + ": not a valid zip archive (torch.save's format since torch 1.6): " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorRef> zipStateDict(ZipFile zip, String archive, Path file) throws IOException {
        ZipEntry byteOrder = zip.getEntry(archive + "byteorder");
        if (byteOrder != null) {
            String order = new String(entryBytes(zip, byteOrder, file), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) throw new IllegalArgumentException(file + ": byte order '" + order + "' is not supported, only little-endian");
        }
        byte[] pickle = entryBytes(zip, zip.getEntry(archive + "data.pkl"), file);
        return unpickle(MemorySegment.ofArray(pickle), 0, file).stateDict();
    }

    private static Map<String, Tensor> zipTensors(ZipFile zip, String archive, Path file) throws IOException {
        Map<String, TensorRef> refs = zipStateDict(zip, archive, file);
        Map<String, MemorySegment> storages = new HashMap<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            String key = e.getValue().storage().key();
            MemorySegment data = storages.get(key);
            if (data == null) {
                ZipEntry entry = zip.getEntry(archive + "data/" + key);
                if (entry == null) throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "': storage data/" + key + " is missing");
                storages.put(key, data = MemorySegment.ofArray(entryBytes(zip, entry, file)));
            }
            out.put(e.getKey(), dense(e.getValue(), data, file, e.getKey()));
        }
        return out;
    }

    /**
     * An entry's bytes, never more than its declared size (torch stores entries uncompressed; a compressed entry that
     * inflates past its declared size, a zip bomb, is refused rather than read into memory).
     */
    private static byte[] entryBytes(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        long size = entry.getSize();
        if (size < 0) throw new IllegalArgumentException(file + ": " + entry.getName() + " does not declare its size");
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": " + entry.getName() + " exceeds 2 GiB");
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length < size || in.read() != -1) {
                throw new IllegalArgumentException(file + ": " + entry.getName() + " does not hold the " + size + " bytes it declares");
            }
            return b;
        }
    }

    // ---- the legacy layout ---------------------------------------------------------------------------------

    /** The state dict of a legacy file, after the magic number, protocol and system info that precede it. */
    private static Parsed legacyStateDict(Path file, MemorySegment bytes) {
        Unpickler header = new Unpickler(bytes, 0, file.toString(), Map.of(), pid -> {
            throw new IllegalArgumentException(file + ": a storage in the file header");
        });
        if (!LEGACY_MAGIC.equals(asBig(header.load()))) throw new IllegalArgumentException(file + ": a pickle, but not a torch.save file (no magic number)");
        Object protocol = header.load();
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) throw new IllegalArgumentException(file + ": legacy torch.save protocol " + protocol + " is not supported");
        if (!(header.load() instanceof Map<?, ?> sysInfo) || !Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
            throw new IllegalArgumentException(file + ": saved on a big-endian machine, which is not supported");
        }
        return unpickle(bytes, header.position(), file);
    }

    private static Map<String, Tensor> legacyTensors(Path file, MemorySegment bytes) {
        Parsed parsed = legacyStateDict(file, bytes);
        Unpickler keysReader = new Unpickler(bytes, parsed.end(), file.toString(), Map.of(), pid -> {
            throw new IllegalArgumentException(file + ": a storage in the storage-key list");
        });
        if (!(keysReader.load() instanceof List<?> keys)) throw new IllegalArgumentException(file + ": the storage-key list is missing");

        // The storages follow in the order of the key list, each as an int64 element count and its bytes.
        Map<String, MemorySegment> storages = new HashMap<>();
        long at = keysReader.position();
        for (Object key : keys) {
            StorageRef s = parsed.storages().get(key);
            if (s == null) throw new IllegalArgumentException(file + ": storage key " + key + " is listed but no tensor uses it");
            if (bytes.byteSize() - at < 8) throw truncated(file, "storage " + key);
            long numel = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at);
            if (numel != s.numel()) throw new IllegalArgumentException(file + ": storage " + key + " holds " + numel + " elements, its tensors say " + s.numel());
            if (numel > (bytes.byteSize() - at - 8) / s.type().bytes) throw truncated(file, "storage " + key);
            long length = numel * s.type().bytes;
            storages.put(s.key(), bytes.asSlice(at + 8, length));
            at += 8 + length;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : parsed.stateDict().entrySet()) {
            MemorySegment data = storages.get(e.getValue().storage().key());
            if (data == null) throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "': its storage is not in the storage-key list");
            out.put(e.getKey(), dense(e.getValue(), data, file, e.getKey()));
        }
        return out;
    }

    private static BigInteger asBig(Object o) {
        return o instanceof Long l ? BigInteger.valueOf(l) : o instanceof BigInteger b ? b : null;
    }

    private static IllegalArgumentException truncated(Path file, String what) {
        return new IllegalArgumentException(file + ": truncated: " + what + " goes beyond the end of the file");
    }

    // ---- the pickle ----------------------------------------------------------------------------------------

    /** The state dict, every storage its tensors use by key, and where the pickle ended. */
    private record Parsed(Map<String, TensorRef> stateDict, Map<String, StorageRef> storages, long end) {}

    private static Parsed unpickle(MemorySegment bytes, long start, Path file) {
        Map<String, StorageRef> storages = new HashMap<>();
        Unpickler u = new Unpickler(bytes, start, file.toString(), TorchPickle.globals(), pid -> {
            StorageRef s = TorchPickle.storage(pid, file.toString());
            StorageRef before = storages.putIfAbsent(s.key(), s);
            if (before != null && !before.equals(s)) throw new IllegalArgumentException(file + ": storage '" + s.key() + "' is described twice, differently");
            return s;
        });
        Map<String, TensorRef> stateDict = TorchPickle.stateDict(u.load(), file.toString());
        return new Parsed(stateDict, storages, u.position());
    }

    // ---- one tensor ----------------------------------------------------------------------------------------

    /** Copies the strided window t of a storage into a dense tensor of jtrain's type for it. */
    private static Tensor dense(TensorRef t, MemorySegment data, Path file, String name) {
        String where = file + ": tensor '" + name + "'";
        StorageRef s = t.storage();
        fileType(t, where);
        if (s.numel() > data.byteSize() / s.type().bytes) {
            throw new IllegalArgumentException(where + ": truncated storage " + s.key() + ": " + data.byteSize() + " bytes for " + s.numel() + " elements");
        }
        int[] shape = shape(t, where);
        long numel = Shapes.numel(shape), last = t.offset(); // the last storage element the window reaches
        try {
            for (int d = 0; d < shape.length; d++) {
                if (t.size()[d] > 0) last = Math.addExact(last, Math.multiplyExact(t.size()[d] - 1, t.stride()[d]));
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + " (" + t + ") reaches beyond any storage");
        }
        if (numel > 0 && last >= s.numel()) {
            throw new IllegalArgumentException(where + " (" + t + ") reaches element " + last + " but its storage " + s.key() + " holds " + s.numel());
        }
        // A row-major window (the usual case) is converted where it lies; any other view is first gathered into
        // dense bytes. Either way the values are converted as safetensors values are.
        int n = (int) numel, size = s.type().bytes;
        if (isRowMajor(t)) return new Tensor(Safetensors.toStorage(data, s.type().fileType, t.offset() * size, n, where), shape);
        if ((long) n * size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(where + " (" + t + ") is a strided view of more than 2 GiB");
        byte[] dense = new byte[n * size];
        MemorySegment out = MemorySegment.ofArray(dense);
        Odometer at = new Odometer(t);
        for (int i = 0; i < n; i++) MemorySegment.copy(data, (long) size * at.next(), out, (long) size * i, size);
        return new Tensor(Safetensors.toStorage(out, s.type().fileType, 0, n, where), shape);
    }

    /** The type of t's storage in the file, refused where jtrain cannot hold its values. */
    private static SafetensorsHeader.FileDType fileType(TensorRef t, String where) {
        StorageType type = t.storage().type();
        if (type.fileType == null) {
            throw new IllegalArgumentException(where + " has unsupported dtype " + type.global() + " (jtrain reads float, half, bfloat16, double, long and int)");
        }
        return type.fileType;
    }

    /** t's size as a shape, refused when it has more elements than one tensor holds. */
    private static int[] shape(TensorRef t, String where) {
        int[] shape = new int[t.size().length];
        long numel = 1;
        for (int d = 0; d < shape.length; d++) {
            numel *= Math.min(t.size()[d], Integer.MAX_VALUE + 1L); // sizes are not negative (TorchPickle)
            if (numel > Integer.MAX_VALUE || t.size()[d] > Integer.MAX_VALUE) throw new IllegalArgumentException(where + " (" + t + ") has more than 2^31-1 elements");
            shape[d] = (int) t.size()[d];
        }
        return shape;
    }

    /** Whether the window's strides are those of a dense row-major tensor of its size (size-1 dimensions aside). */
    private static boolean isRowMajor(TensorRef t) {
        long expected = 1;
        for (int d = t.size().length - 1; d >= 0; d--) {
            if (t.size()[d] != 1 && t.stride()[d] != expected) return false;
            expected *= t.size()[d];
        }
        return true;
    }

    /** The storage element of each tensor element in turn, in row-major order. */
    private static final class Odometer {
        private final long[] size, stride, counter;
        private long at;

        Odometer(TensorRef t) {
            size = t.size();
            stride = t.stride();
            counter = new long[size.length];
            at = t.offset();
        }

        long next() {
            long now = at;
            for (int d = size.length - 1; d >= 0; d--) { // advance the last dimension, carrying into earlier ones
                if (++counter[d] < size[d]) {
                    at += stride[d];
                    return now;
                }
                at -= (counter[d] - 1) * stride[d];
                counter[d] = 0;
            }
            return now;
        }
    }
}
