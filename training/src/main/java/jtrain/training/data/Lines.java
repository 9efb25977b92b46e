package jtrain.training.data;

import java.nio.file.Path;
import java.util.List;

/** A user file read strictly as UTF-8 and cut into lines (\n or \r\n), for the line-based user formats. */
final class Lines {
    private Lines() {}

    static List<String> of(Path file) {
        String text = TextFiles.readNonEmpty(file);
        String[] parts = text.split("\r?\n", -1);
        List<String> lines = List.of(parts);
        // A final newline does not start another line.
        return text.endsWith("\n") ? lines.subList(0, lines.size() - 1) : lines;
    }

    static DataException error(Path file, int lineIndex, String message) {
        return new DataException(file + ":" + (lineIndex + 1) + ": " + message);
    }
}
