package jtrain.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * User CoNLL-style token tagging data: "token<TAB>tag" per line (with more columns, the first is the token and the
 * last the tag), a blank line between sentences. Lines starting with "#" and no tab are comments (as in CoNLL-U).
 */
public final class ConllFormat {
    private ConllFormat() {}

    public static List<TaggedSentence> read(Path file) {
        List<String> lines = Lines.of(file);
        String name = file.getFileName().toString();
        List<TaggedSentence> out = new ArrayList<>();
        List<String> tokens = new ArrayList<>(), tags = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : "";
            if (line.isBlank()) {
                if (!tokens.isEmpty()) out.add(new TaggedSentence(name + ":" + (start + 1), tokens, tags));
                tokens.clear();
                tags.clear();
                continue;
            }
            if (line.startsWith("#") && line.indexOf('\t') < 0) continue;
            String[] cols = line.split("\t");
            if (cols.length < 2 || cols[0].isBlank() || cols[cols.length - 1].isBlank())
                throw Lines.error(file, i, "expected token<TAB>tag, got '" + line + "'");
            if (tokens.isEmpty()) start = i;
            tokens.add(cols[0].strip());
            tags.add(cols[cols.length - 1].strip());
        }
        if (out.isEmpty()) throw new DataException(file + ": no sentences in the file");
        return out;
    }
}
