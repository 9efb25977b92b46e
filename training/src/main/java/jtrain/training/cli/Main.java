package jtrain.training.cli;

/** The ./trainer command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String cmd = args.length == 0 ? "help" : args[0];
        switch (cmd) {
            case "help", "--help", "-h" -> System.out.println(usage());
            case "data" -> System.exit(DataCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
            default -> {
                System.err.println("trainer: unknown command '" + cmd + "'\n" + usage());
                System.exit(2);
            }
        }
    }

    static String usage() {
        return """
                usage: ./trainer <command> [options]
                  help            this text
                  test            build and run the whole test suite
                  data            fetch the default datasets, show their counts (data --help)
                """;
    }
}
