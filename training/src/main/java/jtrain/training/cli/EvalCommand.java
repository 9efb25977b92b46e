package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jtrain.cuda.Devices;
import jtrain.engine.Device;
import jtrain.engine.io.Json;
import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.Split;
import jtrain.training.data.Splits;
import jtrain.training.finetune.EncodedSet;
import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.TaskData;
import jtrain.training.finetune.TaskEncoder;
import jtrain.training.finetune.TaskEvaluator;
import jtrain.training.finetune.TaskModels;
import jtrain.transformer.ProblemType;

/** {@code ./trainer eval}: scores a fine-tuned folder on a task's dev or test split (a masked-LM folder: {@link MlmEvalCommand}). */
public final class EvalCommand {
    static final String USAGE = """
            usage: ./trainer eval --model DIR --task pos|genre|spam|seq|tok [--split dev|test] [--json]
                     [--dev FILE | --test FILE (for seq/tok)] [--max-len 128] [--split-seed 42] [--cache DIR]
                     [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
              Prints accuracy, macro-F1 and loss (tagging: over words, scored on their first sub-token); a regression
              model (see predict) Pearson, Spearman and MSE of its score against numeric labels (with several
              outputs: their mean, then each output's; --json adds pearson_0, spearman_0, mse_0, ...); a multi-label model
              micro-F1, macro-F1 and exact match of the labels above 0.5, and its loss (labels read as finetune
              --problem multi_label reads them).
                   ./trainer eval --model DIR --task mlm --data default|FILE... [--max-len N] [--seed S] [--whole-word]
                     [--batch 64] [--json] [--cache DIR] [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
              A masked-LM folder (a pretraining checkpoint step-N, an HF BertForMaskedLM folder): MLM loss, perplexity
              and masked-token accuracy, scored as pretraining scores its held-out text (15% of tokens predicted).
              --data default: only the held-out documents of the default corpus, those pretrain --data default --seed S
              holds out (about 5% of the Brown, State-of-the-Union and Moby-Dick documents); FILE...: all the text of the
              files (.txt paragraphs, or the text of .jsonl/.tsv/.csv/.conll), none held out.
              --max-len: packed sequence length [128, at most the model's positions]. --seed S [1]: the masks (and the
              default held-out documents) of a pretrain --seed S run's evaluation, so its checkpoints score the losses it
              logged; they depend only on the text, the tokenizer and S, so two models with one tokenizer (a checkpoint
              and its pretrain --init adaptation) are scored on the same masked positions. --whole-word: as pretrain's.
                   ./trainer eval --model DIR --task mlm --held-out-of RUN_DIR [--batch 64] [--json] [--cache DIR]
                     [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
              The held-out documents of the pretraining run in RUN_DIR (its --out), with its sequences and masks: its
              --data, --seed, --max-len and --whole-word come from RUN_DIR/run_config.json (given again, they must agree;
              --data cannot be), so a checkpoint of the run scores the held-out loss the run logged, and any model with the
              run's tokenizer (its --init folder, another run from that tokenizer) the same masked tokens; a model with
              another tokenizer is refused. The run's files must still be there, with the held-out text the run recorded
              (held_out_fingerprint in run_config.json; a run from before it: as many masked tokens as the
              eval_predicted of its metrics.jsonl).""";

    private static final Set<String> VALUED = Set.of("--model", "--task", "--split", "--dev", "--test", "--max-len", "--split-seed", "--cache",
            "--device", "--precision");
    private static final Set<String> SWITCHES = Set.of("--json");

    private EvalCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (isMlm(args)) return MlmEvalCommand.run(args, out, err);
        try {
            ArgList a = new ArgList(args, VALUED, SWITCHES);
            if (a.help()) {
                out.println(USAGE);
                return 0;
            }
            if (!a.positional().isEmpty()) throw new IllegalArgumentException("unexpected argument '" + a.positional().getFirst() + "'");
            Path dir = Path.of(a.required("--model"));
            String task = a.required("--task");
            Device device = Devices.select(a.string("--device", "auto")); // before any loading: a bad device fails at once
            Devices.setPrecision(device, a.string("--precision", "fp32"), System.err);
            // Given only a --test file, that is the split to score.
            String defaultSplit = a.has("--test") && !a.has("--dev") ? "test" : "dev";
            Split split = switch (a.string("--split", defaultSplit).toLowerCase(Locale.ROOT)) {
                case "dev" -> Split.DEV;
                case "test" -> Split.TEST;
                default -> throw new IllegalArgumentException("--split must be dev or test");
            };
            TaskModels.Loaded m = TaskModels.load(dir, err);
            TaskData data = TaskData.load(task, DataCache.open(DataCache.defaultRoot(a.string("--cache", null))),
                    FinetuneCommand.userFiles(a), a.integer("--split-seed", (int) Splits.DEFAULT_SEED), m.problem(), m.labels().size());
            if (data.kind() != m.kind())
                throw new IllegalArgumentException(dir + " is a " + m.kind().architecture + " model; task " + task + " needs " + data.kind().architecture);
            if (data.size(split) == 0) throw new DataException(task + ": the " + split.lower() + " split is empty (--" + split.lower() + " FILE)");
            int positions = m.model().config.maxPositionEmbeddings();
            if (a.integer("--max-len", 0) > positions)
                throw new IllegalArgumentException("--max-len " + a.integer("--max-len", 0) + " exceeds the model's " + positions + " positions");
            int maxLen = Math.min(a.integer("--max-len", 128), positions); // the default follows a shorter model
            EncodedSet enc = data.encode(new TaskEncoder(m.tokenizer(), m.labels(), maxLen, m.problem()), split);
            int padId = m.tokenizer().vocab().id(m.tokenizer().specialTokens().pad());
            m.model().to(device);
            EvalResult r = TaskEvaluator.evaluate(m.model(), m.kind(), enc.examples(), m.labels().size(), 32, padId);
            if (a.has("--json")) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("task", task);
                j.put("split", split.lower());
                j.put("examples", enc.size());
                j.put("truncated", enc.truncated());
                j.putAll(r.metrics()); // single-label: accuracy, macro_f1
                j.put("loss", r.loss());
                j.put("scored", r.scored());
                out.println(Json.write(j));
            } else {
                out.printf("%s %s: %s%n", task, split.lower(), r.describe());
                if (r.problem() == ProblemType.REGRESSION && r.outputs() > 1)
                    for (int i = 0; i < r.outputs(); i++) out.printf("  %s: %s%n", m.labels().name(i), r.describeOutput(i));
                if (enc.truncated() > 0) out.printf("(%d of %d examples truncated to %d tokens)%n", enc.truncated(), enc.size(), maxLen);
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | DataException | UncheckedIOException e) {
            Main.printError(err, "trainer eval: " + e.getMessage(), e);
        } catch (IOException e) {
            Main.printError(err, "trainer eval: " + e.getMessage(), e);
        }
        return 2;
    }

    /** Whether the task is mlm, whose options differ (--data FILE...): it has a command of its own. */
    private static boolean isMlm(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-h") || args[i].equals("--help")) return false;
            if (args[i].equals("--task") && args[i + 1].equals("mlm")) return true;
        }
        return false;
    }
}
