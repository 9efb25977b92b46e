package jtrain.training.study;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.training.cli.DataCommand;
import jtrain.training.data.Brown;
import jtrain.training.data.BrownCorpus;
import jtrain.training.data.DataCache;
import jtrain.training.data.DatasetSpec;
import jtrain.training.data.Datasets;
import jtrain.training.data.Document;
import jtrain.training.data.Email;
import jtrain.training.data.MobyDick;
import jtrain.training.data.PretrainCorpus;
import jtrain.training.data.Sotu;
import jtrain.training.data.SpamAssassin;
import jtrain.training.data.Split;
import jtrain.training.data.Splits;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;
import jtrain.training.finetune.TaskData;

/**
 * What the study trains on: the pretraining corpus (minus the tasks' dev/test documents) with its held-out slice,
 * unlabeled e-mail text for continual pretraining, and the three tasks "pos", "genre" and "spam".
 */
public record StudyData(List<Document> pretrain, List<Document> heldOut, List<Document> email, Map<String, TaskData> tasks) {

    /** Documents are split with this seed everywhere (tasks and pretraining exclusion), whatever --seed is. */
    public static final long SPLIT_SEED = Splits.DEFAULT_SEED;

    /** The embedded datasets from the cache (fetched first if missing). */
    public static StudyData load(DataCache cache, String from, PrintStream log) throws IOException {
        for (DatasetSpec s : Datasets.ALL) DataCommand.ensure(cache, s, from, log);
        BrownCorpus brown = Brown.load(cache);
        List<Email> emails = SpamAssassin.deduplicated(SpamAssassin.load(cache));
        List<Document> sotu = Sotu.load(cache), moby = MobyDick.load(cache);
        PretrainCorpus corpus = Datasets.pretrainCorpus(brown, emails, sotu, moby, SPLIT_SEED, SPLIT_SEED, false);
        log.printf("pretraining corpus: %d documents (%,d characters), %d held out; %d task dev/test documents excluded%n",
                corpus.train().size(), corpus.trainChars(), corpus.heldOut().size(), corpus.excluded());
        Map<String, TaskData> tasks = new LinkedHashMap<>();
        tasks.put("pos", TaskData.ofTagged("pos", Splits.partition(brown.taggedSentences(), TaggedSentence::docId, SPLIT_SEED)));
        tasks.put("genre", TaskData.ofTexts("genre", Splits.partition(brown.genrePassages(Brown.DEFAULT_PASSAGE_SENTENCES), TextExample::docId, SPLIT_SEED)));
        tasks.put("spam", TaskData.ofTexts("spam", Splits.partition(SpamAssassin.examples(emails), TextExample::docId, SPLIT_SEED)));
        // Unlabeled e-mail text for continual pretraining: training-split messages only (their labels unused).
        List<Document> email = new ArrayList<>();
        for (Document d : SpamAssassin.documents(emails)) if (Splits.of(d.id(), SPLIT_SEED) == Split.TRAIN) email.add(d);
        return new StudyData(corpus.train(), corpus.heldOut(), email, tasks);
    }
}
