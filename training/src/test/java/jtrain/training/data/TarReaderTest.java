package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {
    /** Writes a minimal ustar archive, header by header, as npm's tar would. */
    static final class TarBuilder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        TarBuilder add(String prefix, String name, char type, byte[] data) {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, "00000000000");
            h[156] = (byte) type;
            put(h, 257, "ustar");
            put(h, 263, "00");
            put(h, 345, prefix);
            for (int i = 148; i < 156; i++) h[i] = ' ';
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            out.writeBytes(h);
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        TarBuilder file(String name, String text) {
            return add("", name, '0', text.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        byte[] gzipped() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
                gz.write(bytes());
            }
            return b.toByteArray();
        }

        private static void put(byte[] h, int off, String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, h, off, b.length);
        }
    }

    @Test
    void readsFilesPrefixAndSkipsDirectories() throws IOException {
        byte[] big = new byte[1300];
        big[1299] = 7;
        byte[] tar = new TarBuilder()
                .add("", "package/", '5', new byte[0])
                .file("package/a.txt", "hello")
                .add("package/deep", "b.bin", '0', big)
                .file("package/empty", "")
                .bytes();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        TarReader.Entry a = r.next();
        assertEquals("package/a.txt", a.name());
        assertEquals("hello", new String(a.data(), StandardCharsets.UTF_8));
        TarReader.Entry b = r.next();
        assertEquals("package/deep/b.bin", b.name());
        assertEquals(1300, b.data().length);
        assertEquals(7, b.data()[1299]);
        assertEquals(0, r.next().data().length);
        assertNull(r.next());
    }

    @Test
    void rejectsNonTar() {
        byte[] junk = new byte[512];
        junk[0] = 'x';
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(junk)).next());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void installChecksHashCountAndStripsPackage(@TempDir Path dir) throws IOException {
        Path tgz = dir.resolve("t-1.0.0.tgz");
        Files.write(tgz, new TarBuilder().file("package/data/x.json", "{}").file("package/README", "r").gzipped());
        String sha = jtrain.engine.io.Sha256.of(tgz);
        DataCache cache = DataCache.open(dir.resolve("cache"));
        DatasetSpec spec = new DatasetSpec("t", "t", "1.0.0", "t-1.0.0.tgz", sha, 2);
        assertFalse(cache.isInstalled(spec));
        assertThrows(DataException.class, () -> cache.require(spec));
        cache.install(spec, tgz);
        assertTrue(cache.isInstalled(spec));
        assertEquals("{}", Files.readString(cache.require(spec).resolve("data/x.json")));

        DatasetSpec wrongHash = new DatasetSpec("u", "u", "1", "t-1.0.0.tgz", "00" + sha.substring(2), 2);
        assertTrue(assertThrows(DataException.class, () -> cache.install(wrongHash, tgz)).getMessage()
                .contains("sha256"));
        DatasetSpec wrongCount = new DatasetSpec("v", "v", "1", "t-1.0.0.tgz", sha, 3);
        assertTrue(assertThrows(DataException.class, () -> cache.install(wrongCount, tgz)).getMessage()
                .contains("2 files, expected 3"));
        assertFalse(cache.isInstalled(wrongCount));
    }

    @Test
    void installRefusesPathsOutsideTheCache(@TempDir Path dir) throws IOException {
        Path tgz = dir.resolve("evil.tgz");
        Files.write(tgz, new TarBuilder().file("package/../../escape", "x").gzipped());
        DataCache cache = DataCache.open(dir.resolve("cache"));
        DatasetSpec spec = new DatasetSpec("e", "e", "1", "evil.tgz", jtrain.engine.io.Sha256.of(tgz), 1);
        assertTrue(assertThrows(DataException.class, () -> cache.install(spec, tgz)).getMessage().contains("unsafe"));
        assertFalse(Files.exists(dir.resolve("escape")));
    }
}
