package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SplitsTest {
    @Test
    void deterministicAndSeedDependent() {
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            String id = "brown/c" + i;
            assertEquals(Splits.of(id, 42), Splits.of(id, 42));
            if (Splits.of(id, 42) != Splits.of(id, 7)) differ++;
        }
        assertTrue(differ > 20, "another seed should give another split");
    }

    @Test
    void proportionsNearEightyTenTen() {
        Map<Split, Integer> n = new EnumMap<>(Split.class);
        for (int i = 0; i < 20000; i++) n.merge(Splits.of("doc-" + i, 1), 1, Integer::sum);
        assertEquals(16000, n.get(Split.TRAIN), 400);
        assertEquals(2000, n.get(Split.DEV), 200);
        assertEquals(2000, n.get(Split.TEST), 200);
    }

    @Test
    void passagesOfADocumentStayTogether() {
        List<TextExample> items = new ArrayList<>();
        for (int d = 0; d < 50; d++)
            for (int p = 0; p < 5; p++) items.add(new TextExample("doc" + d, "passage " + p, null, "x"));
        Map<Split, List<TextExample>> parts = Splits.partition(items, TextExample::docId, 3);
        Map<Split, Set<String>> docs = new EnumMap<>(Split.class);
        int total = 0;
        for (Split s : Split.values()) {
            docs.put(s, new HashSet<>(parts.get(s).stream().map(TextExample::docId).toList()));
            total += parts.get(s).size();
        }
        assertEquals(items.size(), total);
        for (Split a : Split.values())
            for (Split b : Split.values())
                if (a != b) assertTrue(docs.get(a).stream().noneMatch(docs.get(b)::contains), a + " vs " + b);
    }

    @Test
    void pretrainCorpusLeavesOutTaskEvalDocsAndHoldsOutASlice() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 400; i++) docs.add(new Document("brown/d" + i, "brown", "text " + i));
        for (int i = 0; i < 100; i++) docs.add(new Document("sotu/s" + i, "sotu", "speech " + i));
        List<String> taskIds = docs.stream().filter(d -> d.source().equals("brown")).map(Document::id).toList();
        PretrainCorpus c = PretrainCorpus.builder(42).add(docs).excludeEvalDocsOf(taskIds, 42)
                .heldOutFraction(0.1).build();
        Set<String> seen = new HashSet<>();
        for (Document d : c.train()) assertTrue(seen.add(d.id()));
        for (Document d : c.heldOut()) assertTrue(seen.add(d.id()), "held-out and train overlap: " + d.id());
        for (String id : taskIds) if (Splits.of(id, 42) != Split.TRAIN) assertFalse(seen.contains(id), id);
        assertEquals(500, seen.size() + c.excluded());
        assertTrue(c.excluded() > 40 && c.excluded() < 120, "excluded " + c.excluded());
        assertTrue(c.heldOut().size() > 20 && c.heldOut().size() < 80, "held out " + c.heldOut().size());
        assertThrows(IllegalArgumentException.class, () -> PretrainCorpus.builder(1).add(docs).add(docs.subList(0, 1)));
    }

    @Test
    void aCorpusIsNeverHeldOutWhole() {
        // With a few documents the held-out draw can take them all: then they are trained on and nothing is held out.
        List<Document> two = List.of(new Document("a.txt:1", "a.txt", "one"), new Document("a.txt:3", "a.txt", "two"));
        PretrainCorpus c = PretrainCorpus.builder(7).add(two).heldOutFraction(0.999).build();
        assertEquals(two, c.train());
        assertEquals(List.of(), c.heldOut());
    }
}
