package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jtrain.engine.io.IoErrors;
import jtrain.training.data.DataException;
import jtrain.training.data.Document;
import jtrain.training.data.PretrainCorpus;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.WordPieceTrainer;

/** {@code ./trainer tokenizer train}: a WordPiece vocabulary from a corpus, saved as vocab.txt and tokenizer.json. */
public final class TokenizerCommand {
    static final String USAGE = """
            usage: ./trainer tokenizer train --corpus default|FILE... [--vocab-size 8000] [--min-frequency 2]
                                             [--limit-alphabet 1000] [--seed 1] [--cache DIR] --out DIR
              Trains a BERT WordPiece tokenizer on the training documents of the corpus: 'default' is the standard
              pretraining corpus (./trainer data fetch first). FILEs are read as ./trainer pretrain reads them: .txt
              (paragraphs), only the text of .jsonl (text, text_b), .tsv/.csv (text columns) and .conll (tokens).
              The held-out documents that ./trainer pretrain evaluates on (same --seed) are left out.
              The vocabulary always holds the special tokens, every character of the corpus, and the ## form of each
              one that occurs inside a word (as Hugging Face's trainer), so it can be larger than --vocab-size (a note
              says so); it is smaller when no pair is left to merge. Characters: at most --limit-alphabet, the most
              frequent (Hugging Face's default, 1000); a word with another becomes [UNK], and a note says how much of
              the text that is (Chinese or Japanese text uses thousands of characters: raise the limit).""";

    private TokenizerCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CliArgs a = new CliArgs(args);
            if (!a.hasNext()) throw new IllegalArgumentException("missing subcommand (train)\n" + USAGE);
            String sub = a.next();
            if (sub.equals("--help") || sub.equals("-h") || sub.equals("help")) {
                out.println(USAGE);
                return 0;
            }
            if (!sub.equals("train")) throw new IllegalArgumentException("unknown subcommand '" + sub + "' (expected train)");
            List<String> corpus = null;
            int vocabSize = 8000, minFrequency = 2, limitAlphabet = DEFAULT_LIMIT_ALPHABET;
            long seed = 1;
            String outDir = null, cache = null;
            while (a.hasNext()) {
                String o = a.next();
                switch (o) {
                    case "--corpus" -> corpus = a.values(o);
                    case "--vocab-size" -> vocabSize = CliArgs.integer(o, a.value(o));
                    case "--min-frequency" -> minFrequency = CliArgs.integer(o, a.value(o));
                    case "--limit-alphabet" -> limitAlphabet = CliArgs.integer(o, a.value(o));
                    case "--seed" -> seed = CliArgs.longInteger(o, a.value(o));
                    case "--out" -> outDir = a.value(o);
                    case "--cache" -> cache = a.value(o);
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + o + " (see ./trainer tokenizer --help)");
                }
            }
            if (corpus == null) throw new IllegalArgumentException("--corpus default|FILE... is required");
            if (outDir == null) throw new IllegalArgumentException("--out DIR is required");
            if (vocabSize < 1 || minFrequency < 1) throw new IllegalArgumentException("--vocab-size and --min-frequency must be positive");
            if (limitAlphabet < 1) throw new IllegalArgumentException("--limit-alphabet must be positive, got " + limitAlphabet);
            requireTokenizerOutput(Path.of(outDir)); // before training, which can take a while
            PretrainCorpus c = CorpusSources.load(corpus, seed, cache, out);
            long t0 = System.nanoTime();
            BertTokenizer tok = train(c, vocabSize, minFrequency, limitAlphabet, "raise --limit-alphabet to keep them", out);
            TokenizerFiles.save(tok, Path.of(outDir));
            out.printf("WordPiece vocabulary of %,d tokens trained in %.1f s, saved to %s%n", tok.vocab().size(),
                    (System.nanoTime() - t0) / 1e9, outDir);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | DataException | UncheckedIOException e) {
            Main.printError(err, "trainer tokenizer: " + e.getMessage(), e);
            return 2;
        } catch (IOException e) {
            Main.printError(err, "trainer tokenizer: " + IoErrors.describe(e), e);
            return 2;
        }
    }

    /** The files a tokenizer folder holds: retraining into one replaces them. */
    private static final Set<String> TOKENIZER_FILES = Set.of(TokenizerFiles.VOCAB_TXT, TokenizerFiles.TOKENIZER_JSON,
            TokenizerFiles.TOKENIZER_CONFIG, TokenizerFiles.SPECIAL_TOKENS_MAP);

    /**
     * --out must be new, empty or a tokenizer folder: writing vocab.txt into a model checkpoint (say) would leave its
     * weights with another vocabulary and break the checkpoint's checksums.
     */
    static void requireTokenizerOutput(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        if (!Files.isDirectory(out)) return;
        try (var entries = Files.list(out)) {
            List<String> others = entries.map(p -> p.getFileName().toString()).filter(n -> !TOKENIZER_FILES.contains(n)).sorted().limit(4).toList();
            if (!others.isEmpty()) {
                throw new IllegalArgumentException("--out " + out + " holds files that are not a tokenizer's (" + String.join(", ", others)
                        + "): choose a new folder (a tokenizer folder is overwritten, any other is left alone)");
            }
        }
    }

    /** Hugging Face's BertWordPieceTokenizer.train keeps at most 1000 characters; so do we unless told otherwise. */
    static final int DEFAULT_LIMIT_ALPHABET = 1000;

    /**
     * Trains on the corpus's training documents; characters left out of the alphabet (then howToKeep, the advice to
     * keep them) and a vocabulary of another size than asked for get a note on log.
     */
    static BertTokenizer train(PretrainCorpus corpus, int vocabSize, int minFrequency, int limitAlphabet, String howToKeep, PrintStream log) {
        WordPieceTrainer trainer = new WordPieceTrainer().vocabSize(vocabSize).minFrequency(minFrequency).limitAlphabet(limitAlphabet);
        Map<String, Long> words = trainer.countWords(corpus.train().stream().map(Document::text).toList());
        WordPieceTrainer.Alphabet alphabet = trainer.alphabetOf(words);
        if (alphabet.cut()) log.println(alphabetNote(alphabet, howToKeep));
        BertTokenizer tok = trainer.trainFromCounts(words);
        String note = sizeNote(tok, vocabSize, minFrequency);
        if (note != null) log.println(note);
        return tok;
    }

    /** The characters the alphabet limit leaves out, and how much of the text is written with them. */
    static String alphabetNote(WordPieceTrainer.Alphabet a, String howToKeep) {
        long lost = a.occurrences() - a.keptOccurrences();
        return String.format(Locale.ROOT, "note: the corpus has %,d distinct characters and the vocabulary keeps the %,d most frequent "
                + "(--limit-alphabet): words with the other %,d, which make %,d of the text's %,d characters (%.2f%%), become [UNK]; %s",
                a.distinct(), a.kept(), a.distinct() - a.kept(), lost, a.occurrences(), 100.0 * lost / a.occurrences(), howToKeep);
    }

    /**
     * Why the vocabulary is not vocabSize tokens, or null when it is. The trainer always keeps the special tokens,
     * every character of the corpus and the "##" form of those that occur inside words: below their count the vocabulary
     * is larger than asked, and has no merged pieces. It is smaller when no pair of pieces is left that occurs
     * minFrequency times.
     */
    static String sizeNote(BertTokenizer tok, int vocabSize, int minFrequency) {
        int size = tok.vocab().size();
        if (size == vocabSize) return null;
        if (size < vocabSize) {
            return String.format("note: the vocabulary has %,d tokens, not the %,d of --vocab-size: no pair of pieces in the corpus is left "
                    + "that occurs at least --min-frequency %d times", size, vocabSize, minFrequency);
        }
        int specials = 0, characters = 0, continuations = 0;
        for (String t : tok.vocab().tokens()) {
            if (tok.specialTokens().all().contains(t)) specials++;
            else if (t.codePointCount(0, t.length()) == 1) characters++;
            else if (t.startsWith("##") && t.codePointCount(2, t.length()) == 1) continuations++;
        }
        return String.format("note: the vocabulary has %,d tokens, not the %,d of --vocab-size: the %d special tokens, the %,d characters "
                + "of the corpus and %,d of their '##' forms are always kept (raise --vocab-size above %,d for merged pieces)",
                size, vocabSize, specials, characters, continuations, size);
    }
}
