package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jtrain.training.data.DataCache;
import jtrain.training.data.Datasets;
import jtrain.training.data.Document;
import jtrain.training.data.PretrainCorpus;
import jtrain.training.data.Split;
import jtrain.training.data.Splits;
import jtrain.training.data.TextExample;
import jtrain.training.finetune.TaskData;

/** The corpus of "pretrain --data default" and "tokenizer train --corpus default", on the real datasets. */
class CorpusSourcesTest {
    @Test
    void theDefaultCorpusNeverHoldsTextThatFinetuneScoresTheBrownTasksOn() {
        DataCache cache = DataCache.open(DataCache.defaultRoot(null));
        assumeTrue(Datasets.ALL.stream().filter(s -> s != Datasets.SPAM_ASSASSIN).allMatch(cache::isInstalled),
                "skipped: Brown, SOTU and Moby-Dick are not in " + cache.root() + " (run ./trainer data fetch)");
        // genre's dev and test documents with finetune's default --split-seed (pos splits the same files).
        TaskData genre = TaskData.load("genre", cache, new TaskData.Files(null, null, null), Splits.DEFAULT_SEED);
        Set<String> scoredOn = new HashSet<>();
        for (Split s : List.of(Split.DEV, Split.TEST)) genre.texts().get(s).stream().map(TextExample::docId).forEach(scoredOn::add);
        assertFalse(scoredOn.isEmpty());

        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (long pretrainSeed : List.of(1L, 42L)) {  // pretrain's default --seed, and the split seed itself
            PretrainCorpus corpus = CorpusSources.load(List.of("default"), pretrainSeed, null, quiet);
            for (Document d : corpus.train()) assertFalse(scoredOn.contains(d.id()), "--seed " + pretrainSeed + " trains on " + d.id());
            for (Document d : corpus.heldOut()) assertFalse(scoredOn.contains(d.id()), "--seed " + pretrainSeed + " holds out " + d.id());
            assertEquals(scoredOn.size(), corpus.excluded(), "--seed " + pretrainSeed);
        }
    }
}
