package jtrain.training.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import jtrain.engine.io.IoErrors;

/**
 * A user file read line by line, strictly as UTF-8, holding one line at a time: the streaming counterpart of
 * {@link Lines#of} with the same lines (split at "\n", a "\r" before it dropped, a final newline starting no line,
 * a byte-order mark dropped) and the same errors ({@link TextFiles}: "FILE: no such file", "FILE:LINE: not valid
 * UTF-8 (bad byte at offset N)"; {@link #requireText}: "FILE: empty file", "FILE: only blank lines").
 */
final class Utf8Lines implements AutoCloseable {
    private final Path file;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[256];
    private long offset; // bytes of the file before the next line
    private int line; // 1-based number of the line last returned
    private boolean terminated; // whether the line last returned ended in "\n"

    private Utf8Lines(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    static Utf8Lines open(Path file) {
        try {
            return new Utf8Lines(file, new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException("cannot read " + IoErrors.describe(file, e), e);
        }
    }

    /** "empty file" or "only blank lines" as a DataException, as {@link TextFiles#readNonEmpty}; reads up to the first text. */
    static void requireText(Path file) {
        try (Utf8Lines lines = open(file)) {
            boolean any = false;
            for (String l = lines.nextRaw(); l != null; l = lines.nextRaw()) {
                int cr = l.indexOf('\r');
                if (cr >= 0 && cr < l.length() - 1) { // read as one line, whose records a lone "\r" separates
                    throw new DataException(file + ": its lines end with a carriage return alone (classic Mac OS line breaks); "
                            + "convert them to newlines, e.g. tr '\\r' '\\n' < " + file.getFileName() + " > fixed" + extension(file));
                }
                if (!l.isBlank()) return;
                any |= !l.isEmpty() || lines.terminated;
            }
            throw new DataException(file + (any ? ": only blank lines" : ": empty file"));
        }
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot) : "";
    }

    /** The next line without its line break, or null at the end of the file. */
    String next() {
        String l = nextRaw();
        return l != null && terminated && l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    /** The next line as it is in the file, a "\r" before its "\n" kept (see {@link #terminated}); null at the end. */
    String nextRaw() {
        int n = 0, b;
        try {
            while ((b = in.read()) >= 0 && b != '\n') {
                if (n == buf.length) buf = Arrays.copyOf(buf, 2 * n);
                buf[n++] = (byte) b;
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + IoErrors.describe(file, e), e);
        }
        if (b < 0 && n == 0) return null;
        terminated = b == '\n';
        String text = decode(n);
        offset += n + (terminated ? 1 : 0);
        line++;
        return line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark is not text
    }

    /** Whether the line last returned ended in a newline (the last line of a file may not). */
    boolean terminated() {
        return terminated;
    }

    /** The 1-based number of the line last returned. */
    int line() {
        return line;
    }

    private String decode(int n) {
        ByteBuffer bytes = ByteBuffer.wrap(buf, 0, n);
        CharBuffer chars = CharBuffer.allocate(n);
        decoder.reset();
        if (decoder.decode(bytes, chars, true).isError() || decoder.flush(chars).isError()) {
            throw new DataException(file + ":" + (line + 1) + ": not valid UTF-8 (bad byte at offset " + (offset + bytes.position())
                    + "); convert the file to UTF-8");
        }
        return chars.flip().toString();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // the file was only read: nothing is lost
        }
    }
}
