package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jtrain.engine.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and saving the HuggingFace files, and the errors a broken folder gives. */
class TokenizerFilesTest {
    static final List<String> TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "whale", "##s", "!");

    @Test
    void vocabTxtGivesIdsByLineNumber(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.txt"), String.join("\n", TOKENS) + "\n");
        BertTokenizer tok = TokenizerFiles.load(dir);
        assertEquals(TOKENS, tok.vocab().tokens());
        assertEquals(List.of("[CLS]", "the", "whale", "##s", "!", "[SEP]"), tok.encode("The WHALES!").tokens());
    }

    @Test
    void folderPrefersTokenizerJsonOverVocabTxt(@TempDir Path dir) throws IOException {
        TokenizerFiles.save(new BertTokenizer(new Vocab(TOKENS)), dir);
        Files.writeString(dir.resolve("vocab.txt"), "not\na\nvocabulary\n"); // would fail: no [UNK]
        assertEquals(TOKENS, TokenizerFiles.load(dir).vocab().tokens());
    }

    @Test
    void tokenizerConfigBesideVocabTxtSetsCasing(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.txt"), String.join("\n", TOKENS) + "\nThe\n");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        assertEquals(List.of("The", "the"), TokenizerFiles.load(dir).tokenize("The the"));
    }

    /**
     * transformers' BertTokenizer builds its normaliser from tokenizer_config.json's do_lower_case, strip_accents and
     * tokenize_chinese_chars: where that file names them they win over tokenizer.json's normalizer (a user who sets
     * do_lower_case false there gets a cased tokenizer); what it leaves out stays as tokenizer.json has it.
     */
    @Test
    void tokenizerConfigBesideTokenizerJsonSetsTheCasingItNames(@TempDir Path dir) throws IOException {
        List<String> tokens = new java.util.ArrayList<>(TOKENS);
        tokens.addAll(List.of("The", "café", "cafe"));
        TokenizerFiles.save(new BertTokenizer(new Vocab(tokens)), dir);   // uncased: lowercase, strip accents
        assertEquals(List.of("the", "cafe"), TokenizerFiles.load(dir).tokenize("The Café"));

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        assertEquals(List.of("The", "[UNK]"), TokenizerFiles.load(dir).tokenize("The Café"), "cased, and accents kept with it");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true, \"strip_accents\": false}");
        assertEquals(List.of("the", "café"), TokenizerFiles.load(dir).tokenize("The Café"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 64}");
        assertEquals(List.of("the", "cafe"), TokenizerFiles.load(dir).tokenize("The Café"), "no casing named: tokenizer.json's");

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"no\"}");
        var e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertEquals(dir.resolve("tokenizer_config.json") + ": 'do_lower_case' should be true or false", e.getMessage());
    }

    @Test
    void specialTokenNamesComeFromTheSideFilesBesideTokenizerJson(@TempDir Path dir) throws IOException {
        // tokenizer.json records only [CLS]/[SEP] (in its template); transformers takes pad and mask from the side files.
        Vocab vocab = new Vocab(List.of("<pad>", "<unk>", "<cls>", "<sep>", "<mask>", "the", "whale"));
        SpecialTokens named = new SpecialTokens("<pad>", "<unk>", "<cls>", "<sep>", "<mask>");
        BertTokenizer tok = new BertTokenizer(BertNormalizer.UNCASED, new WordPiece(vocab, "<unk>", "##", 100), named, java.util.Set.of());
        TokenizerFiles.save(tok, dir);
        BertTokenizer loaded = TokenizerFiles.load(dir);
        assertEquals(named, loaded.specialTokens());
        assertEquals(List.of("<cls>", "the", "<mask>", "<sep>", "<pad>"),
                loaded.encode("the <mask>", null, EncodeOptions.DEFAULT.padTo(5)).tokens());
        // special_tokens_map.json wins over tokenizer_config.json, as in transformers.
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"mask_token\": \"whale\"}");
        assertEquals("whale", TokenizerFiles.load(dir).specialTokens().mask());
        assertEquals("<pad>", TokenizerFiles.load(dir).specialTokens().pad());
    }

    @Test
    void addedTokensStayWholeAndSurviveSaving(@TempDir Path dir) throws IOException {
        // HF's AddedVocabulary: a normalized added token is found in the normalised text, a raw one in the raw text,
        // both before pre-tokenization; neither is special, so decode keeps them.
        List<String> tokens = new java.util.ArrayList<>(TOKENS);
        tokens.addAll(List.of("x", "hello", "Case"));
        BertTokenizer tok = new BertTokenizer(BertNormalizer.UNCASED, new WordPiece(new Vocab(tokens)), SpecialTokens.BERT,
                java.util.Set.of(), List.of(new AddedToken("hello", true), new AddedToken("Case", false)));
        assertEquals(List.of("x", "hello", "x"), tok.tokenize("xHELLOx"));
        assertEquals(List.of("the", "Case", "the"), tok.tokenize("theCasethe"));
        assertEquals(List.of("[UNK]"), tok.tokenize("thecasethe"), "a raw token is matched as written");
        assertEquals("x hello x", tok.decode(tok.encode("xhellox").ids()));

        TokenizerFiles.save(tok, dir);
        BertTokenizer loaded = TokenizerFiles.load(dir);
        assertEquals(tok.addedTokens(), loaded.addedTokens());
        assertEquals(tok.tokenize("xHELLOx theCasethe"), loaded.tokenize("xHELLOx theCasethe"));

        String json = Files.readString(dir.resolve("tokenizer.json")).replace("\"content\": \"hello\"", "\"content\": \"<new>\"");
        Files.writeString(dir.resolve("tokenizer.json"), json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json: added token '<new>'") && e.getMessage().contains("not in model.vocab"), e.getMessage());
    }

    @Test
    void modelMaxLengthIsTheModelsOrAbsent(@TempDir Path dir) throws IOException {
        TokenizerFiles.save(new BertTokenizer(new Vocab(TOKENS)), dir.resolve("model"), 64);
        TokenizerFiles.save(new BertTokenizer(new Vocab(TOKENS)), dir.resolve("alone"));
        assertEquals(64L, Json.parseObject(Files.readString(dir.resolve("model/tokenizer_config.json")), "c").get("model_max_length"));
        assertNull(Json.parseObject(Files.readString(dir.resolve("alone/tokenizer_config.json")), "c").get("model_max_length"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void savedTokenizerJsonHasTheLayoutHuggingFaceReads(@TempDir Path dir) throws IOException {
        TokenizerFiles.save(new BertTokenizer(new Vocab(TOKENS)), dir);
        Map<String, Object> root = Json.parseObject(Files.readString(dir.resolve("tokenizer.json")), "tokenizer.json");
        assertEquals("1.0", root.get("version"));
        assertEquals("BertNormalizer", ((Map<String, Object>) root.get("normalizer")).get("type"));
        assertNull(((Map<String, Object>) root.get("normalizer")).get("strip_accents"));
        assertEquals("BertPreTokenizer", ((Map<String, Object>) root.get("pre_tokenizer")).get("type"));
        Map<String, Object> post = (Map<String, Object>) root.get("post_processor");
        assertEquals("TemplateProcessing", post.get("type"));
        assertEquals(5, ((List<?>) post.get("pair")).size());
        assertEquals(List.of(2L), ((Map<String, Object>) ((Map<String, Object>) post.get("special_tokens")).get("[CLS]")).get("ids"));
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        assertEquals("WordPiece", model.get("type"));
        assertEquals(6L, ((Map<String, Object>) model.get("vocab")).get("whale"));
        assertEquals("WordPiece", ((Map<String, Object>) root.get("decoder")).get("type"));
        assertEquals(5, ((List<?>) root.get("added_tokens")).size());
        Map<String, Object> config = Json.parseObject(Files.readString(dir.resolve("tokenizer_config.json")), "config");
        assertEquals("BertTokenizer", config.get("tokenizer_class"));
        assertEquals(true, config.get("do_lower_case"));
        Map<String, Object> specials = Json.parseObject(Files.readString(dir.resolve("special_tokens_map.json")), "map");
        assertEquals("[MASK]", specials.get("mask_token"));
    }

    @Test
    void repeatedAndEmptyLinesOfVocabTxtAreReadAsHuggingFaceReadsThem(@TempDir Path dir) throws IOException {
        // HF's load_vocab: vocab[line] = index for each line in order, so a repeated token keeps its LAST id, and an
        // empty line is the token "". Every line is still an id (an embedding row); no text produces the shadowed ones.
        String lines = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nwhale\nthe\n\nwhale\n##s\n";
        Files.writeString(dir.resolve("vocab.txt"), lines);
        BertTokenizer tok = TokenizerFiles.load(dir);
        assertEquals(10, tok.vocab().size());
        assertEquals(8, tok.vocab().id("whale"), "the last of its lines");
        assertEquals(7, tok.vocab().id(""));
        assertEquals("whale", tok.vocab().token(5), "an earlier id still names its line");
        assertArrayEquals(new int[] {2, 6, 8, 9, 3}, tok.encode("The whales").ids(), "[CLS] the whale(8) ##s [SEP]");

        // Saved back line for line; tokenizer.json (one id per token) cannot say this, so it is left out, also when
        // the folder held one before, and the folder loads from vocab.txt with the same ids.
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Files.writeString(copy.resolve("tokenizer.json"), "{}");
        TokenizerFiles.save(tok, copy);
        assertEquals(lines, Files.readString(copy.resolve("vocab.txt")));
        assertTrue(Files.notExists(copy.resolve("tokenizer.json")));
        assertEquals(tok.vocab().tokens(), TokenizerFiles.load(copy).vocab().tokens());
        assertEquals(8, TokenizerFiles.load(copy).vocab().id("whale"));
    }

    @Test
    void vocabularyWithoutUnknownTokenIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.txt"), "the\nwhale\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertTrue(e.getMessage().contains("vocab.txt") && e.getMessage().contains("[UNK]"), e.getMessage());
    }

    @Test
    void brokenTokenizerJsonNamesTheFile(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0,}}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertTrue(e.getMessage().startsWith(json.toString()), e.getMessage());

        Files.writeString(json, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertTrue(e.getMessage().contains(json.toString()) && e.getMessage().contains("BPE"), e.getMessage());

        Files.writeString(json, "{\"model\": {\"vocab\": {\"[UNK]\": 0, \"a\": 5}}}");
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertTrue(e.getMessage().contains("dense"), e.getMessage());
    }

    @Test
    void missingFolderOrFilesAreReportedClearly(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(dir));
        assertTrue(e.getMessage().contains("neither tokenizer.json nor vocab.txt"), e.getMessage());
    }

    @Test
    void aRunFolderGivenForATokenizerNamesWhereItsTokenizerIs(@TempDir Path dir) throws IOException {
        // `tokenize --model RUN` or `--tokenizer RUN`: a pretraining run keeps its tokenizer in RUN/tokenizer, a
        // fine-tuning run's best model (with its tokenizer) is RUN/model, and RUN/checkpoints/latest names a checkpoint.
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(Files.createDirectories(run.resolve("checkpoints/step-4")).resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        Files.writeString(run.resolve("checkpoints/latest"), "step-4\n");
        var e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(run));
        assertEquals(run + " holds neither tokenizer.json nor vocab.txt (it holds a run: its tokenizer is in " + run.resolve("checkpoints/step-4") + ")",
                e.getMessage());
        Files.writeString(Files.createDirectories(run.resolve("tokenizer")).resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(run));
        assertEquals(run + " holds neither tokenizer.json nor vocab.txt (it holds a run: its tokenizer is in " + run.resolve("tokenizer") + ")",
                e.getMessage());
    }

    @Test
    void fileSystemErrorsNameTheFileAtFaultOnceWithTheReason(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n");
        BertTokenizer tok = TokenizerFiles.load(dir);

        // A file where the folder should be: that path and why.
        Path notes = Files.writeString(dir.resolve("notes.txt"), "keep me");
        var e = assertThrows(UncheckedIOException.class, () -> TokenizerFiles.save(tok, notes));
        assertEquals("cannot save the tokenizer: " + notes + ": already exists (a file where a folder is needed?)", e.getMessage());

        // A file of the folder that cannot be written (a folder in its place): that file, not the folder before it.
        Path out = Files.createDirectories(dir.resolve("out/vocab.txt")).getParent();
        e = assertThrows(UncheckedIOException.class, () -> TokenizerFiles.save(tok, out));
        assertEquals("cannot save the tokenizer: " + out.resolve("vocab.txt") + ": Is a directory", e.getMessage());

        e = assertThrows(UncheckedIOException.class, () -> Vocab.readVocabTxt(out.resolve("vocab.txt")));
        assertEquals("cannot read the vocabulary " + out.resolve("vocab.txt") + ": Is a directory", e.getMessage());
    }

    @Test
    void aFileGivenAsTheFolderIsNamedAsAFile(@TempDir Path dir) throws IOException {
        Path vocab = Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerFiles.load(vocab));
        assertEquals(vocab + " is a file; a tokenizer or model folder is needed", e.getMessage());
    }
}
