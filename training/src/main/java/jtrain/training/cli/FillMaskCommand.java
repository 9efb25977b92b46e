package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.FillMask;
import jtrain.transformer.HfCheckpoint;

/** {@code ./trainer fill-mask}: the most probable tokens at each [MASK] of a text, from an HF-layout MLM folder. */
public final class FillMaskCommand {
    static final String USAGE = "usage: ./trainer fill-mask --model DIR [--top-k 5] [--json] TEXT   (TEXT contains [MASK])";

    private FillMaskCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ArgList a;
        String text;
        try {
            a = new ArgList(args, Set.of("--model", "--top-k"), Set.of("--json"));
            if (a.help()) {
                out.println(USAGE);
                return 0;
            }
            if (!a.has("--model")) throw new IllegalArgumentException("--model DIR is required");
            text = a.text();
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage() + "\n" + USAGE);
        }

        Path dir = Path.of(a.string("--model", null));
        BertTokenizer tok;
        BertForMaskedLM mlm;
        int topK;
        try {
            topK = a.integer("--top-k", 5);
            if (topK < 1) return fail(err, "--top-k needs a positive integer, got " + topK);
            mlm = HfCheckpoint.loadMaskedLM(dir, new Rng(0), err); // first: a wrong --model is named as a model folder, not a tokenizer
            tok = TokenizerFiles.load(dir);
            if (mlm.config.vocabSize() < tok.vocab().size()) {
                return fail(err, dir + ": the tokenizer has " + tok.vocab().size() + " tokens but the model's vocab_size is " + mlm.config.vocabSize());
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            Main.printError(err, "trainer fill-mask: " + e.getMessage(), e);
            return 2;
        }
        String maskToken = tok.specialTokens().mask();
        if (!text.contains(maskToken)) return fail(err, "TEXT must contain " + maskToken + caseHint(text, maskToken));
        int[] ids = tok.encode(text).ids();
        if (ids.length > mlm.config.maxPositionEmbeddings()) {
            return fail(err, "the text is " + ids.length + " tokens long; the model takes at most " + mlm.config.maxPositionEmbeddings());
        }
        List<FillMask.Prediction> predictions = FillMask.predict(mlm, ids, tok.vocab().id(maskToken), topK);
        if (a.has("--json")) {
            out.println(Json.write(toJson(ids, predictions, tok)));
        } else {
            for (FillMask.Prediction p : predictions) {
                out.println(maskToken + " at position " + p.position() + ":");
                for (FillMask.Candidate c : p.top()) out.printf("  %-20s %6d  %.4f%n", tok.vocab().token(c.id()), c.id(), c.score());
            }
        }
        return 0;
    }

    /** When the text holds the mask token in another case ("[mask]"): a reminder that the match is case-sensitive. */
    static String caseHint(String text, String maskToken) {
        for (int i = 0; i + maskToken.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, maskToken, 0, maskToken.length())) {
                return " (the match is case-sensitive; the text has " + text.substring(i, i + maskToken.length()) + ")";
            }
        }
        return "";
    }

    static Map<String, Object> toJson(int[] ids, List<FillMask.Prediction> predictions, BertTokenizer tok) {
        List<Object> masks = new ArrayList<>();
        for (FillMask.Prediction p : predictions) {
            List<Object> top = new ArrayList<>();
            for (FillMask.Candidate c : p.top()) {
                Map<String, Object> cand = new LinkedHashMap<>();
                cand.put("token", tok.vocab().token(c.id()));
                cand.put("id", c.id());
                cand.put("score", c.score());
                top.add(cand);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("position", p.position());
            m.put("top", top);
            masks.add(m);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("input_ids", ids);
        o.put("masks", masks);
        return o;
    }

    private static int fail(PrintStream err, String message) {
        err.println("trainer fill-mask: " + message);
        return 2;
    }
}
