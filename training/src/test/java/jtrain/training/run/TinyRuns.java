package jtrain.training.run;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jtrain.engine.Rng;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.EncodeOptions;
import jtrain.training.tokenizer.WordPieceTrainer;

/** A tiny synthetic corpus, tokenizer and model so that run tests take a second or two. */
final class TinyRuns {
    private TinyRuns() {}

    static final String[] WORDS = {"the", "whale", "ship", "sea", "captain", "sailed", "white", "deep", "harpoon", "crew",
            "storm", "island", "rope", "mast", "wave", "salt", "night", "morning", "boat", "line"};

    /** Sentences of random words; enough structure for a tokenizer, enough variety for masks. */
    static List<String> documents(int count, long seed) {
        Rng r = new Rng(seed);
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 30; w++) sb.append(WORDS[r.nextInt(WORDS.length)]).append(w % 10 == 9 ? ". " : " ");
            docs.add(sb.toString().trim());
        }
        return docs;
    }

    static final BertTokenizer TOKENIZER = new WordPieceTrainer().vocabSize(120).minFrequency(1).train(documents(20, 1));

    static List<int[]> sequences(List<String> docs, int maxLen) {
        List<int[]> ids = new ArrayList<>();
        for (String d : docs) ids.add(TOKENIZER.encode(d, null, EncodeOptions.DEFAULT.withoutSpecialTokens()).ids());
        var v = TOKENIZER.vocab();
        return Packing.pack(ids, maxLen, v.id(TOKENIZER.specialTokens().cls()), v.id(TOKENIZER.specialTokens().sep()), 8);
    }

    static final List<int[]> TRAIN = sequences(documents(24, 2), 32);
    static final List<int[]> HELD_OUT = sequences(documents(4, 3), 32);

    /** One layer, hidden 32 (dropout on, so its rng must be restored too); 12 steps, a checkpoint every 4. */
    static PretrainConfig config(int steps, int saveEvery, int keep) {
        return new PretrainConfig(List.of("synthetic"), null, 120, 1, "1,32,2,64", 32, 4, 2, steps, 3e-3, 2, "linear",
                0.01, 1.0, false, 1, 4, saveEvery, keep, 7, "cpu", null, null, false);
    }

    /** The same run continued from the masked-LM folder init (--init): model and tokenizer come from there. */
    static PretrainConfig initConfig(Path init, int steps, int saveEvery, int keep) {
        return new PretrainConfig(List.of("synthetic"), null, 0, 0, null, 32, 4, 2, steps, 3e-3, 2, "linear",
                0.01, 1.0, false, 1, 4, saveEvery, keep, 7, "cpu", init.toAbsolutePath().toString(), null, false);
    }

    /** Text of another domain: sentences over five of the words only, in which a model of all twenty is not at home. */
    static List<String> otherDomain(int count, long seed) {
        Rng r = new Rng(seed);
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 30; w++) sb.append(WORDS[r.nextInt(5)]).append(w % 10 == 9 ? ". " : " ");
            docs.add(sb.toString().trim());
        }
        return docs;
    }

    static final List<int[]> OTHER_TRAIN = sequences(otherDomain(24, 4), 32);
    static final List<int[]> OTHER_HELD_OUT = sequences(otherDomain(4, 5), 32);

    static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), 1000);
    }

    static PretrainRun.Invocation fresh() {
        return PretrainRun.Invocation.of(false, quiet());
    }

    static PretrainRun.Invocation resume() {
        return PretrainRun.Invocation.of(true, quiet());
    }

    static void train(Path dir, PretrainConfig config, PretrainRun.Invocation inv) {
        PretrainRun.run(new RunFolder(dir), config, TOKENIZER, TRAIN, HELD_OUT, inv);
    }
}
