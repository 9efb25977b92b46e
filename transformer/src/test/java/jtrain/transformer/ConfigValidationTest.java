package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config.json values that would make a model compute NaN, fail later without naming the file, or overflow are refused
 * when the config is read, each error naming the file and the field.
 */
class ConfigValidationTest {
    @TempDir
    Path tmp;

    /** The error reading a small config with one field set to the JSON text value. */
    private String errorWith(String field, String value) throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 100, \"hidden_size\": 64, \"num_attention_heads\": 4, \""
                + field + "\": " + value + "}");
        return assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.readConfig(tmp)).getMessage();
    }

    private String file() {
        return tmp.resolve("config.json") + ": ";
    }

    @Test
    void layerNormEpsMustBePositiveAndFinite() throws Exception {
        // An eps of 0 divides by zero on a constant row; NaN makes every output NaN (and --json write NaN).
        assertEquals(file() + "layer_norm_eps must be a positive finite number, got 0.0", errorWith("layer_norm_eps", "0"));
        assertEquals(file() + "layer_norm_eps must be a positive finite number, got -1.0E-12", errorWith("layer_norm_eps", "-1e-12"));
        assertEquals(file() + "layer_norm_eps must be a positive finite number, got NaN", errorWith("layer_norm_eps", "NaN"));
        assertEquals(file() + "layer_norm_eps must be a positive finite number, got Infinity", errorWith("layer_norm_eps", "Infinity"));
    }

    @Test
    void dropoutProbabilitiesMustBeInZeroToOne() throws Exception {
        assertEquals(file() + "hidden_dropout_prob must be in [0, 1), got 2.0", errorWith("hidden_dropout_prob", "2"));
        assertEquals(file() + "attention_probs_dropout_prob must be in [0, 1), got -0.1", errorWith("attention_probs_dropout_prob", "-0.1"));
        assertEquals(file() + "classifier_dropout must be in [0, 1), got 1.0", errorWith("classifier_dropout", "1.0"));
        assertEquals(file() + "hidden_dropout_prob must be in [0, 1), got NaN", errorWith("hidden_dropout_prob", "NaN"));
    }

    @Test
    void initializerRangeMustBeFiniteAndNotNegative() throws Exception {
        assertEquals(file() + "initializer_range must be a finite number >= 0, got NaN", errorWith("initializer_range", "NaN"));
    }

    @Test
    void anIntegerFieldBeyondIntRangeIsRefusedAsSuchNotWrappedAround() throws Exception {
        assertEquals(file() + "field 'hidden_size' is 1000000000000, beyond the integers jtrain takes (at most 2147483647)",
                errorWith("hidden_size", "1000000000000"));
        assertEquals(file() + "field 'hidden_size' is 1000000000000.0, beyond the integers jtrain takes (at most 2147483647)",
                errorWith("hidden_size", "1e12"));
        assertEquals(file() + "field 'num_hidden_layers' must be an integer, got 2.5", errorWith("num_hidden_layers", "2.5"));
    }

    @Test
    void aStringWhereAnIntegerBelongsIsShownWithItsQuotes() throws Exception {
        assertEquals(file() + "field 'hidden_size' must be an integer, got \"64\"", errorWith("hidden_size", "\"64\""));
        assertEquals(file() + "field 'layer_norm_eps' must be a number, got \"1e-12\"", errorWith("layer_norm_eps", "\"1e-12\""));
    }

    @Test
    void aWeightTooLargeForOneTensorNamesTheField() throws Exception {
        assertEquals(file() + "vocab_size 2147483647 makes a [2147483647, 64] weight, more than the 2^31-1 elements a tensor holds",
                errorWith("vocab_size", "2147483647"));
        assertEquals(file() + "max_position_embeddings 100000000 makes a [100000000, 64] weight, more than the 2^31-1 elements a tensor holds",
                errorWith("max_position_embeddings", "100000000"));
    }

    @Test
    void padTokenIdMustBeATokenOfTheVocabulary() throws Exception {
        assertEquals(file() + "pad_token_id 5000 is not a token id (vocab_size is 100)", errorWith("pad_token_id", "5000"));
        assertEquals(file() + "pad_token_id -101 is not a token id (vocab_size is 100)", errorWith("pad_token_id", "-101"));
    }

    @Test
    void padTokenIdIsReadAsHfsEmbeddingReadsIt() throws Exception {
        assertEquals(0, padTokenIdOf(""), "absent: BertConfig's default 0");
        assertEquals(-1, padTokenIdOf(", \"pad_token_id\": null"), "null: no padding row");
        assertEquals(98, padTokenIdOf(", \"pad_token_id\": -2"), "negative: counted from the end, as torch's padding_idx");
        assertEquals(0, padTokenIdOf(", \"pad_token_id\": -100"));
    }

    @Test
    void noPaddingRowIsSavedAsNull() throws Exception {
        padTokenIdOf(", \"pad_token_id\": null");
        BertConfig c = HfCheckpoint.readConfig(tmp);
        assertTrue(c.toJson("BertForMaskedLM").containsKey("pad_token_id"));
        assertNull(c.toJson("BertForMaskedLM").get("pad_token_id"), "HF reads null as no padding row; -1 would be its last row");
    }

    private int padTokenIdOf(String field) throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 100, \"hidden_size\": 64, \"num_attention_heads\": 4" + field + "}");
        return HfCheckpoint.readConfig(tmp).padTokenId();
    }

    @Test
    void id2labelMustNameEachLabelOnce() throws Exception {
        assertEquals(file() + "id2label gives the label \"pos\" to ids 0 and 2 (labels must be distinct)",
                errorWith("id2label", "{\"0\": \"pos\", \"1\": \"neg\", \"2\": \"pos\"}"));
        assertEquals(file() + "id2label gives id 1 twice", errorWith("id2label", "{\"1\": \"a\", \"01\": \"b\"}"));
    }

    @Test
    void validValuesAtTheEdgesStillLoad() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 100, \"hidden_size\": 64, \"num_attention_heads\": 4,"
                + " \"hidden_dropout_prob\": 0, \"attention_probs_dropout_prob\": 0.0, \"classifier_dropout\": null,"
                + " \"layer_norm_eps\": 1e-30, \"initializer_range\": 0, \"pad_token_id\": 99, \"max_position_embeddings\": 33554431}");
        BertConfig c = HfCheckpoint.readConfig(tmp);
        assertEquals(99, c.padTokenId());
        assertEquals(0.0, c.effectiveClassifierDropout());
    }
}
