package jtrain.training.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jtrain.engine.io.Json;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.EncodeOptions;
import jtrain.training.tokenizer.Encoding;
import jtrain.training.tokenizer.TokenizerFiles;

/** {@code ./trainer tokenize}: shows how a model folder's tokenizer encodes a text (or a pair of texts). */
public final class TokenizeCommand {
    static final String USAGE = "usage: ./trainer tokenize --model DIR [--pair TEXT_B] [--no-special-tokens] [--json] TEXT";

    private TokenizeCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** Exit code 0 on success, 2 on a usage error or a tokenizer that cannot be loaded (one line on err). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ArgList a;
        String text;
        try {
            a = new ArgList(args, Set.of("--model", "--pair"), Set.of("--no-special-tokens", "--json"));
            if (a.help()) {
                out.println(USAGE);
                return 0;
            }
            if (!a.has("--model")) throw new IllegalArgumentException("--model DIR is required");
            text = a.text();
        } catch (IllegalArgumentException ex) {
            return fail(err, ex.getMessage() + "\n" + USAGE);
        }

        Encoding e;
        try {
            BertTokenizer tok = TokenizerFiles.load(Path.of(a.string("--model", null)));
            EncodeOptions options = a.has("--no-special-tokens") ? EncodeOptions.DEFAULT.withoutSpecialTokens() : EncodeOptions.DEFAULT;
            e = tok.encode(text, a.string("--pair", null), options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException ex) {
            Main.printError(err, "trainer tokenize: " + ex.getMessage(), ex);
            return 2;
        }
        if (a.has("--json")) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("ids", e.ids());
            o.put("tokens", e.tokens());
            o.put("token_type_ids", e.typeIds());
            out.println(Json.write(o));
        } else {
            printTable(e, out);
        }
        return 0;
    }

    private static void printTable(Encoding e, PrintStream out) {
        int[] ids = e.ids(), types = e.typeIds();
        List<String> tokens = e.tokens();
        out.println(e.length() + " tokens");
        out.printf("%5s  %6s  %4s  %s%n", "pos", "id", "type", "token");
        for (int i = 0; i < ids.length; i++) out.printf("%5d  %6d  %4d  %s%n", i, ids[i], types[i], tokens.get(i));
        out.println("ids: " + Arrays.toString(ids));
    }

    private static int fail(PrintStream err, String message) {
        err.println("trainer tokenize: " + message);
        return 2;
    }
}
