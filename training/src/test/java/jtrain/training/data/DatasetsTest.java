package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DatasetsTest {
    /** n one-sentence Brown files "b0", "b1", ... */
    static BrownCorpus brown(int n) {
        List<BrownCorpus.BrownFile> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var sentence = new BrownCorpus.Sentence(List.of("file", "number", "" + i), List.of("nn", "nn", "cd"), true);
            files.add(new BrownCorpus.BrownFile("b" + i, "news", List.of(sentence)));
        }
        return new BrownCorpus(files, Map.of());
    }

    static Set<String> ids(PretrainCorpus c) {
        Set<String> ids = new HashSet<>();
        c.train().forEach(d -> ids.add(d.id()));
        c.heldOut().forEach(d -> ids.add(d.id()));
        return ids;
    }

    @Test
    void thePretrainingCorpusLeavesOutTheTasksEvalDocumentsOfTheTaskSeedWhateverTheHeldOutSeed() {
        BrownCorpus brown = brown(300);
        PretrainCorpus corpus = Datasets.pretrainCorpus(brown, List.of(), List.of(), List.of(), 1, 42, false);
        Set<String> pretrained = ids(corpus);
        int evalDocs = 0;
        for (var f : brown.files()) {
            boolean eval = Splits.of(f.docId(), 42) != Split.TRAIN;
            if (eval) evalDocs++;
            assertEquals(!eval, pretrained.contains(f.docId()), f.docId() + " is in the seed-42 " + Splits.of(f.docId(), 42) + " split");
        }
        assertEquals(evalDocs, corpus.excluded());
        assertTrue(evalDocs > 30, "a fifth of 300 files are dev or test: " + evalDocs);
    }

    @Test
    void theHeldOutSliceIsDrawnWithTheHeldOutSeed() {
        BrownCorpus brown = brown(300);
        PretrainCorpus one = Datasets.pretrainCorpus(brown, List.of(), List.of(), List.of(), 1, 42, false);
        PretrainCorpus seven = Datasets.pretrainCorpus(brown, List.of(), List.of(), List.of(), 7, 42, false);
        assertEquals(ids(one), ids(seven), "the same documents are pretrained on");
        assertNotEquals(one.heldOut(), seven.heldOut(), "another held-out slice");
    }
}
