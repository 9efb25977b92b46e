package jtrain.training.data;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The counts "./trainer data info" prints: per dataset and per split, for the datasets present in the cache. */
public final class DataInfo {
    private DataInfo() {}

    public static void print(DataCache cache, long seed, PrintStream out) {
        out.println("cache: " + cache.root() + "  (split seed " + seed + ", by document, "
                + Math.round(Splits.TRAIN_FRACTION * 100) + "/" + Math.round(Splits.DEV_FRACTION * 100) + "/"
                + Math.round((1 - Splits.TRAIN_FRACTION - Splits.DEV_FRACTION) * 100) + ")");
        for (DatasetSpec s : Datasets.ALL)
            if (!cache.isInstalled(s)) out.println(s.key() + " (" + s.npmSpec() + "): not fetched");
        List<Document> pretrain = new ArrayList<>();
        List<String> taskDocs = new ArrayList<>();
        if (cache.isInstalled(Datasets.BROWN)) {
            BrownCorpus b = Brown.load(cache);
            out.printf("brown (%s): %d files, %d sentences, %d tokens, %d genres%n", Datasets.BROWN.npmSpec(),
                    b.files().size(), b.taggedSentences().size(), b.tokenCount(), b.genres().values().stream()
                            .distinct().count());
            Map<Split, List<TaggedSentence>> pos = Splits.partition(b.taggedSentences(), TaggedSentence::docId, seed);
            Map<Split, List<TextExample>> genre = Splits.partition(
                    b.genrePassages(Brown.DEFAULT_PASSAGE_SENTENCES), TextExample::docId, seed);
            Map<Split, List<Document>> docs = Splits.partition(b.documents(), Document::id, seed);
            for (Split sp : Split.values())
                out.printf("  %-5s %4d files %6d sentences %8d tokens %6d genre passages%n", sp.lower(),
                        docs.get(sp).size(), pos.get(sp).size(),
                        pos.get(sp).stream().mapToLong(t -> t.tokens().size()).sum(), genre.get(sp).size());
            pretrain.addAll(b.documents());
            b.documents().forEach(d -> taskDocs.add(d.id()));
        }
        if (cache.isInstalled(Datasets.SPAM_ASSASSIN)) {
            List<Email> mails = SpamAssassin.load(cache);
            out.printf("spam-assassin (%s): %d e-mails, %d spam, %d ham%n", Datasets.SPAM_ASSASSIN.npmSpec(),
                    mails.size(), mails.stream().filter(Email::spam).count(),
                    mails.stream().filter(m -> !m.spam()).count());
            Map<Split, List<Email>> parts = Splits.partition(mails, Email::docId, seed);
            for (Split sp : Split.values())
                out.printf("  %-5s %5d spam %5d ham%n", sp.lower(), parts.get(sp).stream().filter(Email::spam).count(),
                        parts.get(sp).stream().filter(m -> !m.spam()).count());
            mails.forEach(m -> taskDocs.add(m.docId()));
        }
        if (cache.isInstalled(Datasets.SOTU)) pretrain.addAll(unlabeled(Datasets.SOTU, Sotu.load(cache), out));
        if (cache.isInstalled(Datasets.MOBY_DICK))
            pretrain.addAll(unlabeled(Datasets.MOBY_DICK, MobyDick.load(cache), out));
        PretrainCorpus pc = PretrainCorpus.builder(seed).add(pretrain).excludeEvalDocsOf(taskDocs, seed).build();
        out.printf("pretraining corpus (brown + sotu + moby-dick): %d train documents (%d chars), %d held out for"
                + " MLM loss (%d chars), %d excluded as task dev/test%n", pc.train().size(), pc.trainChars(),
                pc.heldOut().size(), pc.heldOutChars(), pc.excluded());
    }

    private static List<Document> unlabeled(DatasetSpec spec, List<Document> docs, PrintStream out) {
        long chars = docs.stream().mapToLong(d -> d.text().length()).sum();
        long words = docs.stream().mapToLong(d -> d.text().split("\\s+").length).sum();
        out.printf("%s (%s): %d documents, %d words, %d chars%n", spec.key(), spec.npmSpec(), docs.size(), words, chars);
        return docs;
    }
}
