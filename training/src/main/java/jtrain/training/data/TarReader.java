package jtrain.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream (ustar, as npm writes it): 512-byte headers followed by the data padded to 512 bytes, ended by
 * zero blocks. Only what npm tarballs need: regular files, the ustar name prefix, and pax/GNU long names.
 */
public final class TarReader {
    /** One regular file of the archive. */
    public record Entry(String name, byte[] data) {}

    private final InputStream in;
    private String longName; // from a GNU 'L' or pax 'x' header, applies to the next entry

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next regular file, or null at the end of the archive. */
    public Entry next() throws IOException {
        byte[] h = new byte[512];
        while (true) {
            if (!readBlock(h)) return null;
            if (isZero(h)) return null;
            checkSum(h);
            String name = field(h, 0, 100);
            long size = octal(h, 124, 12);
            char type = (char) h[156];
            String prefix = field(h, 345, 155);
            if (field(h, 257, 6).startsWith("ustar") && !prefix.isEmpty()) name = prefix + "/" + name;
            if (size < 0 || size > Integer.MAX_VALUE - 8) throw new IOException("tar: bad size for " + name);
            byte[] data = readData((int) size);
            switch (type) {
                case '0', '\0', '7' -> {
                    if (longName != null) name = longName;
                    longName = null;
                    return new Entry(name, data);
                }
                case 'L' -> longName = cString(data);
                case 'x' -> longName = paxPath(data);
                default -> longName = null; // directories, links, global headers: nothing to extract
            }
        }
    }

    private byte[] readData(int size) throws IOException {
        byte[] data = in.readNBytes(size);
        if (data.length != size) throw new IOException("tar: truncated archive");
        int pad = (512 - size % 512) % 512;
        if (in.readNBytes(pad).length != pad) throw new IOException("tar: truncated archive");
        return data;
    }

    private boolean readBlock(byte[] h) throws IOException {
        int n = in.readNBytes(h, 0, 512);
        if (n == 0) return false;
        if (n != 512) throw new IOException("tar: truncated header");
        return true;
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) if (b != 0) return false;
        return true;
    }

    /** The header checksum catches a stream that is not tar at all (or is still gzipped). */
    private static void checkSum(byte[] h) throws IOException {
        long want = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        if (sum != want) throw new IOException("tar: bad header checksum (not a tar archive?)");
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) throws IOException {
        String s = field(h, off, len).trim();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("tar: bad octal field '" + s + "'");
        }
    }

    private static String cString(byte[] data) {
        int n = 0;
        while (n < data.length && data[n] != 0) n++;
        return new String(data, 0, n, StandardCharsets.UTF_8);
    }

    /** pax records are "LEN key=value\n"; only path matters here. */
    private static String paxPath(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        for (String rec : s.split("\n")) {
            int sp = rec.indexOf(' ');
            if (sp > 0 && rec.startsWith("path=", sp + 1)) return rec.substring(sp + 6);
        }
        return null;
    }
}
