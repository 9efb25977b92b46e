package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;

/** config.json as HF reads it: defaults for absent fields, labels without id2label, tying, the padding row. */
class HfConfigDefaultsTest {
    @TempDir
    Path tmp;

    static BertConfig parse(String json) {
        return BertConfig.fromJson(Json.parseObject(json, "config.json"), "config.json");
    }

    @Test
    void absentFieldsTakeHfBertConfigDefaults() {
        BertConfig c = parse("{}");
        assertEquals(30522, c.vocabSize());
        assertEquals(768, c.hiddenSize());
        assertEquals(12, c.numHiddenLayers());
        assertEquals(3072, c.intermediateSize());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(0, c.padTokenId());
        assertEquals(List.of(), c.labels(), "no head, no labels");
    }

    @Test
    void classifierWithoutId2labelHasHfsTwoDefaultLabels() {
        // HF leaves id2label out of config.json when the labels are its defaults.
        BertConfig c = parse("{\"vocab_size\": 10, \"architectures\": [\"BertForSequenceClassification\"]}");
        assertEquals(List.of("LABEL_0", "LABEL_1"), c.labels());
        assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), parse("{\"vocab_size\": 10, \"num_labels\": 3}").labels());
        BertConfig named = parse("{\"vocab_size\": 10, \"num_labels\": 3, \"id2label\": {\"1\": \"b\", \"0\": \"a\"}}");
        assertEquals(List.of("a", "b"), named.labels(), "id2label wins over num_labels, as in HF");
        assertFalse(named.extra().containsKey("num_labels"), "saved back as id2label only");
    }

    @Test
    void untiedMaskedLmDecoderIsRefusedByName() throws Exception {
        HfCheckpoint.save(new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2)), tmp);
        Map<String, Object> config = Json.parseObject(Files.readString(tmp.resolve("config.json")), "config.json");
        assertEquals(Boolean.TRUE, config.get("tie_word_embeddings"));
        config.put("tie_word_embeddings", false);
        Files.writeString(tmp.resolve("config.json"), Json.writePretty(config));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains("config.json: tie_word_embeddings false"), e.getMessage());
    }

    @Test
    void padRowOfTheWordEmbeddingsGetsNoGradient() {
        // HF's nn.Embedding(padding_idx=pad_token_id): attended [PAD] tokens do not train their embedding row.
        BertConfig c = CheckpointTest.tiny().withLabels(List.of("a", "b"));
        BertForSequenceClassification model = new BertForSequenceClassification(c, new Rng(3), new Rng(4));
        Tensor ids = Tensor.ofInts(new int[] {2, 7, 0, 9, 0, 3}, 1, 6); // no attention mask: the pads are attended
        model.loss(model.logits(ids, null, null), Tensor.ofInts(new int[] {1}, 1)).backward();
        float[] g = model.bert.embeddings.wordEmbeddings.weight.grad().toFloatArray();
        int h = c.hiddenSize();
        for (int j = 0; j < h; j++) assertEquals(0f, g[j], "pad row, column " + j);
        double row7 = 0;
        for (int j = 0; j < h; j++) row7 += Math.abs(g[7 * h + j]);
        assertTrue(row7 > 0, "a real token's row is trained");
    }
}
