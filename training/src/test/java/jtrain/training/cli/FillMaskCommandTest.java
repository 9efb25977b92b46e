package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;
import jtrain.training.tokenizer.Golden;

/** ./trainer fill-mask end to end (tokenizer + model) on the trained golden folder, and its errors. */
class FillMaskCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    int run(String... args) {
        return FillMaskCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonOutputMatchesHuggingFaceForEveryGoldenText() throws Exception {
        Path dir = Golden.require("hf-bert-tiny/trained");
        Map<String, Object> golden = Golden.json("hf-bert-tiny/trained/fill_mask.json");
        for (Object c : (List<Object>) golden.get("cases")) {
            Map<String, Object> kase = (Map<String, Object>) c;
            out.reset();
            assertEquals(0, run("--model", dir.toString(), "--json", (String) kase.get("text")), err.toString());
            String line = out.toString(StandardCharsets.UTF_8).strip();
            assertFalse(line.contains("\n"), "one JSON line");
            Map<String, Object> got = Json.parseObject(line, "stdout");
            assertEquals(kase.get("input_ids"), got.get("input_ids"), "input ids of: " + kase.get("text"));
            List<Object> wantMasks = (List<Object>) kase.get("masks"), gotMasks = (List<Object>) got.get("masks");
            assertEquals(wantMasks.size(), gotMasks.size());
            for (int m = 0; m < wantMasks.size(); m++) {
                List<Object> want = (List<Object>) ((Map<String, Object>) wantMasks.get(m)).get("top");
                List<Object> have = (List<Object>) ((Map<String, Object>) gotMasks.get(m)).get("top");
                for (int k = 0; k < want.size(); k++) {
                    Map<String, Object> w = (Map<String, Object>) want.get(k), h = (Map<String, Object>) have.get(k);
                    double ws = ((Number) w.get("score")).doubleValue(), hs = ((Number) h.get("score")).doubleValue();
                    assertEquals(ws, hs, 1e-4, "score " + k + " of: " + kase.get("text"));
                    if (!w.get("id").equals(h.get("id"))) continue; // a swap of near-equal candidates is allowed
                    assertEquals(w.get("token"), h.get("token"));
                }
            }
        }
    }

    @Test
    void aMissingFolderIsOneLineAndExitCode2(@TempDir Path tmp) {
        assertEquals(2, run("--model", tmp.resolve("nope").toString(), "a [MASK] b"));
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertFalse(e.contains("\n"), e);
        assertTrue(e.endsWith("nope: model folder not found"), e);
    }

    @Test
    void aConfigThatDoesNotFitTheWeightsIsOneLine(@TempDir Path tmp) throws Exception {
        Path dir = Golden.require("hf-bert-tiny/trained");
        for (String f : List.of("vocab.txt", "tokenizer.json", "model.safetensors")) Files.copy(dir.resolve(f), tmp.resolve(f));
        Files.writeString(tmp.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"hidden_size\": 64", "\"hidden_size\": 32"));
        assertEquals(2, run("--model", tmp.toString(), "a [MASK] b"));
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertFalse(e.contains("\n"), e);
        assertTrue(e.contains("in the checkpoint but"), e);
    }

    @Test
    void textWithoutMaskIsRejected() {
        Path dir = Golden.require("hf-bert-tiny/trained");
        assertEquals(2, run("--model", dir.toString(), "no mask here"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("[MASK]"));
    }

    @Test
    void aMaskInAnotherCaseIsNotAMaskAndTheErrorSaysTheMatchIsCaseSensitive() {
        Path dir = Golden.require("hf-bert-tiny/trained");
        assertEquals(2, run("--model", dir.toString(), "the [mask] is blue"));
        assertEquals("trainer fill-mask: TEXT must contain [MASK] (the match is case-sensitive; the text has [mask])",
                err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aFolderWithItsOwnMaskTokenIsFilledAndNamedByIt(@TempDir Path tmp) throws Exception {
        // The trained golden folder with its mask token renamed <mask> (vocab.txt and special_tokens_map.json).
        Path dir = Golden.require("hf-bert-tiny/trained");
        for (String f : List.of("config.json", "model.safetensors")) Files.copy(dir.resolve(f), tmp.resolve(f));
        Files.writeString(tmp.resolve("vocab.txt"), Files.readString(dir.resolve("vocab.txt")).replace("[MASK]\n", "<mask>\n"));
        Files.writeString(tmp.resolve("special_tokens_map.json"), "{\"mask_token\": \"<mask>\"}");
        assertEquals(0, run("--model", tmp.toString(), "call me <mask> ."), err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("<mask> at position 3:"), out.toString());
    }

    @Test
    void theCaseHintNamesTheTokenizersOwnMaskToken() {
        assertEquals(" (the match is case-sensitive; the text has <MASK>)", FillMaskCommand.caseHint("a <MASK> b", "<mask>"));
        assertEquals("", FillMaskCommand.caseHint("no mask here", "[MASK]"));
    }
}
