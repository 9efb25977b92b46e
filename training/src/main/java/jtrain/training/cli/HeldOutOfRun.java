package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;
import jtrain.training.data.DataException;
import jtrain.training.data.Document;
import jtrain.training.pretrain.DataOrder;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.run.PretrainRun;
import jtrain.training.run.RunFolder;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;

/**
 * What {@code eval --task mlm --held-out-of RUN_DIR} reads from a pretraining run folder: the options that choose its
 * held-out documents and masks (--data, --seed, --max-len, --whole-word in run_config.json), the run's tokenizer, and
 * what shows whether the held-out text is still the one the run scored: the fingerprint of its held-out sequences
 * that run_config.json records (runs from before it was recorded: the number of tokens its evaluations masked,
 * eval_predicted in metrics.jsonl).
 *
 * @param fingerprint  the run's {@link PretrainRun#HELD_OUT_FINGERPRINT}, or null for a run from before it was recorded
 * @param loggedMasked the eval_predicted of the run's first evaluation, or -1 when it logged none
 */
record HeldOutOfRun(RunFolder folder, PretrainConfig config, BertTokenizer tokenizer, String fingerprint, long loggedMasked) {

    static HeldOutOfRun read(Path dir) {
        RunFolder folder = new RunFolder(dir);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--held-out-of " + dir + ": no such folder");
        if (!folder.hasRun()) {
            String hint = Files.exists(dir.resolve("config.json")) ? "; it is a model folder: give the run folder above its checkpoints/" : "";
            throw new IllegalArgumentException("--held-out-of " + dir + " is not a pretraining run folder (no " + RunFolder.RUN_CONFIG + hint + ")");
        }
        Map<String, Object> saved = folder.readConfig();
        if (saved.get("run") != null) { // finetune writes "run": "finetune"; pretrain's run_config.json has no such field
            throw new IllegalArgumentException("--held-out-of " + dir + " is a " + saved.get("run") + " run, not a pretraining run ("
                    + folder.runConfig() + "); only pretrain holds out text to score");
        }
        PretrainConfig config = PretrainConfig.fromJson(saved, folder.runConfig().toString());
        if (!Files.isDirectory(folder.tokenizer())) {
            throw new IllegalArgumentException("--held-out-of " + dir + " lacks the run's tokenizer folder " + folder.tokenizer()
                    + " (the masks follow from it)");
        }
        return new HeldOutOfRun(folder, config, TokenizerFiles.load(folder.tokenizer()), (String) saved.get(PretrainRun.HELD_OUT_FINGERPRINT),
                loggedMasked(folder));
    }

    /** eval_predicted of the first evaluation in metrics.jsonl (all of a run's evaluations mask the same tokens), or -1. */
    private static long loggedMasked(RunFolder folder) {
        Path f = folder.metrics();
        if (!Files.isRegularFile(f)) return -1;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                Map<String, Object> m;
                try {
                    m = Json.parseObject(line, f.toString());
                } catch (IllegalArgumentException torn) { // a run killed mid-write leaves a torn last line
                    continue;
                }
                if (m.get("eval_predicted") instanceof Number n) return n.longValue();
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(f, e), e);
        }
    }

    /** The run's held-out documents, split from its --data as pretrain split them (the files must still be there). */
    List<Document> heldOutDocuments(String cacheRoot) {
        List<Document> docs;
        try {
            CorpusSources.requireFiles(config.data());
            docs = CorpusSources.load(config.data(), config.seed(), cacheRoot, new PrintStream(PrintStream.nullOutputStream())).heldOut();
        } catch (DataException e) {
            throw new DataException(e.getMessage() + " (a file of the run, named in " + folder.runConfig() + ")", e);
        }
        if (docs.isEmpty()) {
            throw new DataException("the run " + folder.dir() + " held out no documents (its corpus is too small for the 5% draw), "
                    + "so it logged no held-out loss to compare with");
        }
        return docs;
    }

    /**
     * Refuses a model whose tokenizer would mask other tokens than the run's: another vocabulary, other special tokens,
     * or other ids for the held-out text (another normalisation). runSequences are the held-out text in the run's ids.
     */
    void requireSameTokens(Path model, BertTokenizer modelTokenizer, List<int[]> runSequences, List<int[]> modelSequences) {
        MlmBatch.Vocab a = MlmBatch.Vocab.of(tokenizer), b = MlmBatch.Vocab.of(modelTokenizer);
        boolean sameVocab = tokenizer.vocab().tokens().equals(modelTokenizer.vocab().tokens()) && a.padId() == b.padId()
                && a.maskId() == b.maskId() && a.special().equals(b.special());
        String why = !sameVocab ? "another vocabulary or other special tokens"
                : !sameIds(runSequences, modelSequences) ? "the same vocabulary, but it gives the held-out text other ids" : null;
        if (why == null) return;
        throw new IllegalArgumentException("the tokenizer of " + model + " (" + modelTokenizer.vocab().size() + " tokens) is not the run's "
                + folder.tokenizer() + " (" + tokenizer.vocab().size() + " tokens): " + why + ". The run's masks are positions in its "
                + "own tokens, so no loss of this model is comparable with the one it logged; --data FILE scores any text with the "
                + "model's own tokenizer");
    }

    private static boolean sameIds(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    /** The held-out sequences in the run's ids are those it recorded, or the held-out text has changed since. */
    void requireRecordedSequences(List<int[]> runSequences) {
        String now = DataOrder.fingerprint(runSequences);
        if (fingerprint == null || fingerprint.equals(now)) return;
        throw changed("its sequences have fingerprint " + now + " now, the run recorded " + fingerprint + " ("
                + PretrainRun.HELD_OUT_FINGERPRINT + " in " + folder.runConfig() + ")");
    }

    /** For a run without a recorded fingerprint: the masks cover as many tokens as the run logged. */
    void requireLoggedMaskCount(long masked) {
        if (fingerprint != null || loggedMasked < 0 || loggedMasked == masked) return;
        throw changed("the masks cover " + masked + " tokens now, the run logged " + loggedMasked + " (eval_predicted in "
                + folder.metrics() + ")");
    }

    private DataException changed(String evidence) {
        return new DataException("the held-out text of " + folder.dir() + " is not the text its run evaluated on: " + evidence
                + "; a file of its --data " + String.join(" ", config.data()) + " changed since the run");
    }
}
