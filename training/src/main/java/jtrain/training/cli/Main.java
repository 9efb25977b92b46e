package jtrain.training.cli;

import java.util.Arrays;

/** The ./trainer command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String cmd = args.length == 0 ? "help" : args[0];
        switch (cmd) {
            case "help", "--help", "-h" -> System.out.println(usage());
            case "tokenize" -> System.exit(TokenizeCommand.run(Arrays.copyOfRange(args, 1, args.length)));
            case "fill-mask" -> System.exit(FillMaskCommand.run(Arrays.copyOfRange(args, 1, args.length)));
            case "data" -> System.exit(DataCommand.run(Arrays.copyOfRange(args, 1, args.length)));
            case "demo" -> System.exit(DemoCommand.run(Arrays.copyOfRange(args, 1, args.length)));
            default -> {
                System.err.println("trainer: unknown command '" + cmd + "'\n" + usage());
                System.exit(2);
            }
        }
    }

    static String usage() {
        return """
                usage: ./trainer <command> [options]
                  demo            fetch Moby-Dick, train a tokenizer and a small BERT, fill masks (demo --help)
                  help            this text
                  test            build and run the whole test suite
                  tokenize        show a model's tokens and ids for a text (--model DIR [--pair B] [--json] TEXT)
                  fill-mask       predict the tokens at [MASK] positions (--model DIR [--top-k 5] [--json] TEXT)
                  data            fetch the default datasets, show their counts (data --help)
                """;
    }
}
