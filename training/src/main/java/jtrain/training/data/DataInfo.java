package jtrain.training.data;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The counts "./trainer data info" prints: per dataset and per split, for the datasets present in the cache. */
public final class DataInfo {
    private DataInfo() {}

    public static void print(DataCache cache, long seed, PrintStream out) {
        out.printf("cache: %s  (split seed %d, by document, %d/%d/%d)%n", cache.root(), seed,
                Math.round(Splits.TRAIN_FRACTION * 100), Math.round(Splits.DEV_FRACTION * 100),
                Math.round((1 - Splits.TRAIN_FRACTION - Splits.DEV_FRACTION) * 100));
        for (DatasetSpec s : Datasets.ALL)
            if (!cache.isInstalled(s)) out.println(s.key() + " (" + s.npmSpec() + "): not fetched");
        BrownCorpus brown = cache.isInstalled(Datasets.BROWN) ? brown(Brown.load(cache), seed, out)
                : new BrownCorpus(List.of(), Map.of());
        List<Email> mails = cache.isInstalled(Datasets.SPAM_ASSASSIN) ? spam(SpamAssassin.load(cache), seed, out)
                : List.of();
        List<Document> sotu = cache.isInstalled(Datasets.SOTU) ? unlabeled(Datasets.SOTU, Sotu.load(cache), out)
                : List.of();
        List<Document> moby = cache.isInstalled(Datasets.MOBY_DICK)
                ? unlabeled(Datasets.MOBY_DICK, MobyDick.load(cache), out) : List.of();
        List<String> missing = Stream.of(Datasets.BROWN, Datasets.SOTU, Datasets.MOBY_DICK)
                .filter(s -> !cache.isInstalled(s)).map(DatasetSpec::key).toList();
        if (missing.size() == 3) {
            out.println("pretraining corpus (brown + sotu + moby-dick): none of its datasets fetched (./trainer data fetch)");
            return;
        }
        PretrainCorpus pc = Datasets.pretrainCorpus(brown, mails, sotu, moby, seed, seed, false);
        out.printf("pretraining corpus (brown + sotu + moby-dick%s): %d train documents (%d chars), %d held out for"
                + " MLM loss (%d chars), %d excluded as task dev/test%n",
                missing.isEmpty() ? "" : "; without " + String.join(", ", missing) + ", not fetched",
                pc.train().size(), pc.trainChars(), pc.heldOut().size(), pc.heldOutChars(), pc.excluded());
    }

    private static BrownCorpus brown(BrownCorpus b, long seed, PrintStream out) {
        out.printf("brown (%s): %d files, %d sentences, %d tokens, %d genres%n", Datasets.BROWN.npmSpec(),
                b.files().size(), b.taggedSentences().size(), b.tokenCount(),
                b.genres().values().stream().distinct().count());
        Map<Split, List<TaggedSentence>> pos = Splits.partition(b.taggedSentences(), TaggedSentence::docId, seed);
        Map<Split, List<TextExample>> genre = Splits.partition(
                b.genrePassages(Brown.DEFAULT_PASSAGE_SENTENCES), TextExample::docId, seed);
        Map<Split, List<Document>> docs = Splits.partition(b.documents(), Document::id, seed);
        for (Split sp : Split.values())
            out.printf("  %-5s %4d files %6d sentences %8d tokens %6d genre passages%n", sp.lower(),
                    docs.get(sp).size(), pos.get(sp).size(),
                    pos.get(sp).stream().mapToLong(t -> t.tokens().size()).sum(), genre.get(sp).size());
        return b;
    }

    private static List<Email> spam(List<Email> all, long seed, PrintStream out) {
        List<Email> mails = SpamAssassin.deduplicated(all);
        out.printf("spam-assassin (%s): %d e-mails, %d spam, %d ham (%d repeats of an earlier message left out)%n",
                Datasets.SPAM_ASSASSIN.npmSpec(), mails.size(), spamCount(mails), mails.size() - spamCount(mails), all.size() - mails.size());
        Map<Split, List<Email>> parts = Splits.partition(mails, Email::docId, seed);
        for (Split sp : Split.values())
            out.printf("  %-5s %5d spam %5d ham%n", sp.lower(), spamCount(parts.get(sp)),
                    parts.get(sp).size() - spamCount(parts.get(sp)));
        return mails;
    }

    private static long spamCount(List<Email> mails) {
        return mails.stream().filter(Email::spam).count();
    }

    private static List<Document> unlabeled(DatasetSpec spec, List<Document> docs, PrintStream out) {
        long chars = docs.stream().mapToLong(d -> d.text().length()).sum();
        long words = docs.stream().mapToLong(d -> d.text().split("\\s+").length).sum();
        out.printf("%s (%s): %d documents, %d words, %d chars%n", spec.key(), spec.npmSpec(), docs.size(), words, chars);
        return docs;
    }
}
