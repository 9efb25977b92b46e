package jtrain.training.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import jtrain.engine.io.IoErrors;

/** Reads text files strictly as UTF-8, so that a wrong encoding is reported instead of silently garbling text. */
public final class TextFiles {
    private TextFiles() {}

    /** The whole file; DataException naming the file when it is missing, unreadable or not valid UTF-8. */
    public static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException("cannot read " + IoErrors.describe(file, e), e);
        }
        return decodeUtf8(bytes, file.toString());
    }

    /**
     * Like readUtf8 but a file without text is an error too, every user data file must hold something: "empty file"
     * when it has no characters, "only blank lines" when it has nothing but whitespace.
     */
    public static String readNonEmpty(Path file) {
        String text = readUtf8(file);
        if (text.isEmpty()) throw new DataException(file + ": empty file");
        if (text.isBlank()) throw new DataException(file + ": only blank lines");
        return text;
    }

    public static String decodeUtf8(byte[] bytes, String source) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new DataException(source + ":" + line + ": not valid UTF-8 (bad byte at offset " + at
                    + "); convert the file to UTF-8");
        }
        dec.flush(out);
        out.flip();
        String s = out.toString();
        // A byte-order mark is not text.
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
