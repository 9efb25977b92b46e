package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jtrain.engine.io.Json;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.Vocab;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./trainer tokenize: readable or JSON output, and one-line errors with exit code 2. */
class TokenizeCommandTest {
    @TempDir
    Path model;

    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeEach
    void saveSmallTokenizer() {
        TokenizerFiles.save(new BertTokenizer(new Vocab(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "call", "me", "ish", "##mael", "."))), model);
    }

    int run(String... args) {
        return TokenizeCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> jsonOutput() {
        String text = out.toString(StandardCharsets.UTF_8).strip();
        assertFalse(text.contains("\n"), "exactly one line of JSON: " + text);
        return Json.parseObject(text, "stdout");
    }

    @Test
    void jsonOutputHasIdsTokensAndTypes() {
        assertEquals(0, run("--model", model.toString(), "--json", "Call me Ishmael."));
        Map<String, Object> o = jsonOutput();
        assertEquals(List.of("ids", "tokens", "token_type_ids"), List.copyOf(o.keySet()));
        assertEquals(List.of(2L, 5L, 6L, 7L, 8L, 9L, 3L), o.get("ids"));
        assertEquals(List.of("[CLS]", "call", "me", "ish", "##mael", ".", "[SEP]"), o.get("tokens"));
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L), o.get("token_type_ids"));
    }

    @Test
    void pairsAndNoSpecialTokens() {
        assertEquals(0, run("--model", model.toString(), "--json", "--no-special-tokens", "--pair", "Me.", "call"));
        Map<String, Object> o = jsonOutput();
        assertEquals(List.of("call", "me", "."), o.get("tokens"));
        assertEquals(List.of(0L, 1L, 1L), o.get("token_type_ids"));
    }

    @Test
    void readableOutputListsEveryToken() {
        assertEquals(0, run("--model", model.toString(), "Call me"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("4 tokens") && text.contains("call") && text.contains("[2, 5, 6, 3]"), text);
    }

    @Test
    void errorsAreOneLineAndExitCode2(@TempDir Path empty) throws IOException {
        assertEquals(2, run("--model", empty.resolve("missing").toString(), "text"));
        assertEquals(2, run("--model", empty.toString(), "text"));
        Files.writeString(empty.resolve("vocab.txt"), "a\nb\n");
        assertEquals(2, run("--model", empty.toString(), "text"));
        assertEquals(2, run("text"));
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].startsWith("trainer tokenize: ") && lines[0].contains("does not exist"), lines[0]);
        assertTrue(lines[1].contains("neither"), lines[1]);
        assertTrue(lines[2].contains("vocab.txt") && lines[2].contains("the unknown token '[UNK]' is not in the vocabulary"), lines[2]);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("\tat "), "no stack trace");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
