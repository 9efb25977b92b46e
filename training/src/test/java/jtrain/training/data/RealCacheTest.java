package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Checks the loaders against the real datasets, when they have been fetched (./trainer data fetch) into the default
 * cache or $JTRAIN_DATA. Skipped otherwise: tests never download.
 */
class RealCacheTest {
    private static DataCache cacheWith(DatasetSpec spec) {
        DataCache c = DataCache.open(DataCache.defaultRoot(null));
        assumeTrue(c.isInstalled(spec), "skipped: " + spec.npmSpec() + " not in " + c.root()
                + " (run ./trainer data fetch to enable this test)");
        return c;
    }

    @Test
    void brown() {
        BrownCorpus b = Brown.load(cacheWith(Datasets.BROWN));
        assertEquals(500, b.files().size());
        assertEquals(15, b.genres().values().stream().distinct().count());
        List<TaggedSentence> s = b.taggedSentences();
        assertEquals(57340, s.size());
        assertEquals(1161192, b.tokenCount());
        for (BrownCorpus.BrownFile f : b.files())
            for (BrownCorpus.Sentence x : f.sentences())
                for (String t : x.tags()) assertTrue(UniversalTags.isKnown(t), "unmapped Brown tag " + t);
    }

    @Test
    void spamAssassin() {
        List<Email> m = SpamAssassin.load(cacheWith(Datasets.SPAM_ASSASSIN));
        assertEquals(6046, m.size());
        assertEquals(1896, m.stream().filter(Email::spam).count());
        assertTrue(m.stream().filter(e -> e.body().isBlank()).count() < 50);
    }

    @Test
    void sotuAndMobyDick() {
        assertEquals(233, Sotu.load(cacheWith(Datasets.SOTU)).size());
        assertEquals(138, MobyDick.load(cacheWith(Datasets.MOBY_DICK)).size());
    }
}
