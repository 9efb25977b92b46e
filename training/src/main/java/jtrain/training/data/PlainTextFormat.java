package jtrain.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * User plain text: either one document per line, or documents as paragraphs separated by blank lines. Document ids
 * are "FILE:LINE" (the first line of the document), so splits stay stable when the file is re-read.
 */
public final class PlainTextFormat {
    private PlainTextFormat() {}

    public static List<Document> read(Path file, boolean paragraphs) {
        List<String> lines = Lines.of(file);
        String name = file.getFileName().toString();
        List<Document> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int start = -1;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i).strip() : "";
            if (!paragraphs) {
                if (!line.isEmpty()) out.add(new Document(name + ":" + (i + 1), name, line));
                continue;
            }
            if (line.isEmpty()) {
                if (start >= 0) out.add(new Document(name + ":" + (start + 1), name, cur.toString()));
                cur.setLength(0);
                start = -1;
            } else {
                if (start < 0) start = i;
                else cur.append('\n');
                cur.append(line);
            }
        }
        if (out.isEmpty()) throw new DataException(file + ": no text in the file");
        return out;
    }

    /** One text per line: the non-blank lines, stripped, each with its line number (blank lines are skipped). */
    public static List<Numbered<String>> nonBlankLines(Path file) {
        return RecordReader.readAll(nonBlankLineStream(file));
    }

    /** {@link #nonBlankLines} one line at a time. */
    public static RecordReader<String> nonBlankLineStream(Path file) {
        Utf8Lines.requireText(file);
        Utf8Lines lines = Utf8Lines.open(file);
        return new RecordReader<>() {
            @Override
            public Numbered<String> next() {
                for (String line = lines.next(); line != null; line = lines.next()) {
                    if (!line.isBlank()) return new Numbered<>(lines.line(), line.strip());
                }
                return null;
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }
}
