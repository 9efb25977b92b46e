package jtrain.training.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jtrain.training.data.Brown;
import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.Datasets;
import jtrain.training.data.Document;
import jtrain.training.data.MobyDick;
import jtrain.training.data.PretrainCorpus;
import jtrain.training.data.Sotu;
import jtrain.training.data.Splits;
import jtrain.training.data.UserData;

/**
 * The pretraining text named on a command line: "default" (Brown, SOTU and Moby-Dick from the data cache, without the
 * evaluation documents of the downstream tasks) or user files (.txt paragraphs; the text of .jsonl, .tsv, .csv and
 * .conll files, see {@link UserData#documents}). Both commands
 * that read it split off the same held-out documents for a given seed, so a tokenizer never sees them either. The
 * tasks' dev and test documents are those of finetune's default --split-seed, whatever the pretraining --seed: that
 * seed draws only the held-out slice, so no --seed lets pretraining read text that pos and genre are scored on.
 */
final class CorpusSources {
    private CorpusSources() {}

    /** Each source other than "default" is a readable file: checked before a command creates its output. */
    static void requireFiles(List<String> sources) {
        for (String s : sources) {
            if (s.equals("default")) continue;
            Path f = Path.of(s);
            if (Files.isDirectory(f)) throw new DataException(f + " is a folder; give the text files in it");
            if (!Files.isRegularFile(f)) throw new DataException(f + ": no such file");
        }
    }

    /** All documents of the files (no "default"), in order: what a corpus of files is split from, or eval scores whole. */
    static List<Document> fileDocuments(List<String> sources) {
        if (sources.contains("default")) throw new IllegalArgumentException("use either 'default' or files, not both");
        requireFiles(sources);
        List<Document> docs = new ArrayList<>();
        for (String s : sources) {
            Path f = Path.of(s);
            // Document ids start with the file's name; files of the same name in different folders get their folder too.
            long sameName = sources.stream().map(Path::of).filter(p -> f.getFileName().equals(p.getFileName()))
                    .map(Path::normalize).distinct().count();
            for (Document d : UserData.documents(f, true)) {
                docs.add(sameName > 1 && f.getParent() != null ? new Document(f.getParent() + "/" + d.id(), d.source(), d.text()) : d);
            }
        }
        return docs;
    }

    static PretrainCorpus load(List<String> sources, long seed, String cacheRoot, PrintStream log) {
        PretrainCorpus corpus;
        if (sources.equals(List.of("default"))) {
            DataCache cache = DataCache.open(DataCache.defaultRoot(cacheRoot));
            corpus = Datasets.pretrainCorpus(Brown.load(cache), List.of(), Sotu.load(cache), MobyDick.load(cache), seed,
                    Splits.DEFAULT_SEED, false);
        } else {
            corpus = PretrainCorpus.builder(seed).add(fileDocuments(sources)).build();
        }
        if (corpus.train().isEmpty()) throw new DataException("the corpus has no training documents");
        log.printf("corpus: %,d training document%s (%,d characters), %,d held out (%,d characters)%n",
                corpus.train().size(), corpus.train().size() == 1 ? "" : "s", corpus.trainChars(), corpus.heldOut().size(),
                corpus.heldOutChars());
        return corpus;
    }
}
