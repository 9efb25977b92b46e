package jtrain.engine.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Hand-made pickles and torch.save zip archives, opcode by opcode, for tests that need no Python. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes proto() {
        return op(0x80).op(2);
    }

    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    /** BININT: any int. */
    PickleBytes integer(long v) {
        op('J');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        return this;
    }

    PickleBytes tuple(long... values) {
        op('(');
        for (long v : values) integer(v);
        return op('t');
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes stop() {
        return op('.');
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /**
     * The pickle of {name: tensor} as torch.save writes it: _rebuild_tensor_v2 over the storage with persistent id
     * ('storage', torch.STORAGE_TYPE, key, 'cpu', numel).
     */
    static byte[] oneTensor(String name, String storageType, long numel, long offset, long[] size, long[] stride) {
        PickleBytes p = new PickleBytes().proto().global("collections", "OrderedDict").op(')').op('R').mark().str(name)
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", storageType).str("0").str("cpu").integer(numel).op('t').op('Q')
                .integer(offset).tuple(size).tuple(stride).op(0x89)
                .global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        return p.op('u').stop().bytes();
    }

    /** A zip archive as torch.save lays it out: archive/data.pkl, archive/data/KEY, optionally archive/byteorder. */
    static void zip(Path file, byte[] pickle, Map<String, byte[]> storages, String byteOrder) throws IOException {
        try (OutputStream f = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(f)) {
            put(z, "archive/data.pkl", pickle);
            if (byteOrder != null) put(z, "archive/byteorder", byteOrder.getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) put(z, "archive/data/" + e.getKey(), e.getValue());
        }
    }

    private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }

    static byte[] littleEndian(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (bytesPerValue == 1) b.put((byte) v);
            else if (bytesPerValue == 4) b.putInt((int) v);
            else b.putLong(v);
        }
        return b.array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }
}
