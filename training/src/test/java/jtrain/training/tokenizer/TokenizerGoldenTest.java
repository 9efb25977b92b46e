package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our tokenizer against HuggingFace `tokenizers` on the reference cases (hf-bert-tiny/tokenizer_cases.json):
 * every single text must give the same tokens and ids, every pair the same ids and token types, whether the
 * tokenizer is loaded from tokenizer.json or from the plain vocab.txt.
 */
class TokenizerGoldenTest {
    static final String CASES = "hf-bert-tiny/tokenizer_cases.json";

    static Stream<Arguments> loaders() {
        return Stream.of(
                Arguments.of("tokenizer.json", (Loader) () -> TokenizerFiles.loadTokenizerJson(Golden.require("hf-bert-tiny/random-init/tokenizer.json"))),
                Arguments.of("vocab.txt", (Loader) () -> TokenizerFiles.loadVocabTxt(Golden.require("hf-bert-tiny/random-init/vocab.txt"))));
    }

    interface Loader {
        BertTokenizer load();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(String kind) throws IOException {
        return (List<Map<String, Object>>) Golden.json(CASES).get(kind);
    }

    @ParameterizedTest(name = "from {0}")
    @MethodSource("loaders")
    void singleTextsMatchHuggingFace(String name, Loader loader) throws IOException {
        BertTokenizer tok = loader.load();
        List<Map<String, Object>> cases = cases("single");
        assertFalse(cases.isEmpty());
        List<String> failures = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            Encoding e = tok.encode(text, null, EncodeOptions.DEFAULT.withoutSpecialTokens());
            if (!e.tokens().equals(c.get("tokens")) || !java.util.Arrays.equals(e.ids(), Golden.ints(c.get("ids"))))
                failures.add(text + "\n  expected " + c.get("tokens") + "\n  got      " + e.tokens());
        }
        assertEquals(List.of(), failures, "texts tokenized differently from HF");
    }

    @ParameterizedTest(name = "from {0}")
    @MethodSource("loaders")
    void pairsMatchHuggingFace(String name, Loader loader) throws IOException {
        BertTokenizer tok = loader.load();
        List<Map<String, Object>> cases = cases("pairs");
        assertFalse(cases.isEmpty());
        for (Map<String, Object> c : cases) {
            Encoding e = tok.encode((String) c.get("text_a"), (String) c.get("text_b"), EncodeOptions.DEFAULT.withoutSpecialTokens());
            assertArrayEquals(Golden.ints(c.get("ids")), e.ids(), () -> "ids of pair " + c.get("text_a"));
            assertArrayEquals(Golden.ints(c.get("token_type_ids")), e.typeIds(), () -> "token types of pair " + c.get("text_a"));
        }
    }

    /** The trained checkpoint's fill-mask inputs: [CLS] + wordpiece(text) + [SEP], with "[MASK]" kept whole. */
    @SuppressWarnings("unchecked")
    @org.junit.jupiter.api.Test
    void fillMaskInputsOfTheTrainedModel() throws IOException {
        BertTokenizer tok = TokenizerFiles.load(Golden.require("hf-bert-tiny/trained"));
        Object doc = Golden.json("hf-bert-tiny/trained/fill_mask.json");
        List<Map<String, Object>> cases = findCases(doc);
        assertFalse(cases.isEmpty(), "no cases with text and input_ids in fill_mask.json");
        for (Map<String, Object> c : cases)
            assertArrayEquals(Golden.ints(c.get("input_ids")), tok.encode((String) c.get("text")).ids(), () -> "ids of " + c.get("text"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> findCases(Object doc) {
        List<Map<String, Object>> found = new ArrayList<>();
        if (doc instanceof Map<?, ?> m) {
            if (m.get("text") instanceof String && m.get("input_ids") instanceof List<?>) found.add((Map<String, Object>) m);
            else for (Object v : m.values()) found.addAll(findCases(v));
        } else if (doc instanceof List<?> l) {
            for (Object v : l) found.addAll(findCases(v));
        }
        return found;
    }
}
