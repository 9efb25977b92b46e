package jtrain.training.cli;

import java.util.Arrays;

/** The ./trainer command line. */
public final class Main {
    private Main() {}

    /** Set by --debug (or $JTRAIN_DEBUG): the commands' one-line errors are followed by their stack trace. */
    static volatile boolean stackTraces;

    /** A command's error: the one line, then under --debug the stack trace of its cause. */
    static void printError(java.io.PrintStream err, String line, Throwable cause) {
        err.println(line);
        if (stackTraces) cause.printStackTrace(err);
    }

    public static void main(String[] args) {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        boolean debug = Arrays.asList(args).contains("--debug") || System.getenv("JTRAIN_DEBUG") != null;
        if (debug) rest = Arrays.stream(rest).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        stackTraces = debug;
        try {
            System.exit(dispatch(cmd, rest));
        } catch (OutOfMemoryError e) {
            if (debug) e.printStackTrace();
            System.err.println("trainer " + cmd + ": " + outOfMemory(cmd, e, Runtime.getRuntime().maxMemory()));
            System.exit(2);
        } catch (Throwable t) {
            // Commands report expected problems themselves; anything else still gets one line, not a stack trace.
            if (debug) t.printStackTrace();
            else System.err.println("trainer " + cmd + ": " + (t.getMessage() != null ? t.getMessage() : t.toString())
                    + " (run with --debug for details)");
            System.exit(2);
        }
    }

    /**
     * The line for a Java heap that ran out: what the limit was and the options of that command that need less (or
     * give more). bench names its sequence length --seq and has no gradient accumulation.
     */
    static String outOfMemory(String cmd, OutOfMemoryError e, long maxHeapBytes) {
        String smaller = cmd.equals("bench") ? "use a smaller --batch or --seq (--recompute keeps fewer activations)"
                : "use a smaller --batch or --max-len (--grad-accum N keeps the examples per step, --recompute keeps fewer activations)";
        return String.format("out of memory (%s; the Java heap may grow to %,d MiB): %s, a smaller model, or a larger heap, e.g. "
                + "TRAINER_JAVA_OPTS=-Xmx16g ./trainer ...", e.getMessage(), maxHeapBytes >> 20, smaller);
    }

    static int dispatch(String cmd, String[] rest) throws Exception {
        return switch (cmd) {
            case "help", "--help", "-h" -> {
                System.out.println(usage());
                yield 0;
            }
            case "tokenize" -> TokenizeCommand.run(rest);
            case "fill-mask" -> FillMaskCommand.run(rest);
            case "data" -> DataCommand.run(rest);
            case "demo" -> DemoCommand.run(rest);
            case "study" -> StudyCommand.run(rest);
            case "finetune" -> FinetuneCommand.run(rest);
            case "eval" -> EvalCommand.run(rest);
            case "predict" -> PredictCommand.run(rest);
            case "pretrain" -> PretrainCommand.run(rest);
            case "tokenizer" -> TokenizerCommand.run(rest);
            case "bench" -> BenchCommand.run(rest);
            default -> {
                System.err.println("trainer: unknown command '" + cmd + "'\n" + usage());
                yield 2;
            }
        };
    }

    static String usage() {
        return """
                usage: ./trainer <command> [options]      (add --debug to any command for a stack trace on errors)
                  study           the pretraining-vs-fine-tuning study and its report (study --help)
                  demo            fetch Moby-Dick, train a tokenizer and a small BERT, fill masks (demo --help)
                  data            fetch the default datasets, show their counts (data --help)
                  tokenizer       train a WordPiece tokenizer on a corpus (tokenizer train --help)
                  pretrain        masked-LM pretraining into a run folder, with checkpoints and --resume (pretrain --help)
                  finetune        fine-tune a classifier or tagger (pos, genre, spam, your files) (finetune --help)
                  eval            score a fine-tuned model on a task's dev or test split, or a masked-LM model on text (eval --help)
                  predict         label a text (or tag its words) with a fine-tuned model (--model DIR [--pair B] [--json] TEXT,
                                  or a whole file: --input FILE [--out FILE] [--batch 32])
                  bench           time MLM training steps: tokens/s, GFLOP/s, MFU, memory, per-op breakdown (bench --help)
                  tokenize        show a model's tokens and ids for a text (--model DIR [--pair B] [--json] TEXT)
                  fill-mask       predict the tokens at [MASK] positions (--model DIR [--top-k 5] [--json] TEXT)
                  test            build and run the whole test suite
                  build           only build the jars (run by the launcher; other commands build when sources changed)
                  jmh             JMH micro-benchmarks ([regex] [JMH options]; run by the launcher, jmh -h lists the options)
                  help            this text
                """;
    }
}
