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
import jtrain.engine.io.Safetensors;

/** Saving and loading HF-layout folders, and the errors for folders that do not fit. */
class CheckpointTest {
    @TempDir
    Path tmp;

    static BertConfig tiny() {
        return BertConfig.of(50, 2, 16, 2, 32).withDropout(0, 0).withMaxPositions(16);
    }

    static Tensor ids() {
        return Tensor.ofInts(new int[] {2, 7, 9, 11, 3, 0, 2, 5, 6, 3, 0, 0}, 2, 6);
    }

    @Test
    void savedMaskedLmLoadsBackWithIdenticalLogits() throws Exception {
        BertForMaskedLM model = new BertForMaskedLM(tiny(), new Rng(1), new Rng(2));
        HfCheckpoint.save(model, tmp);
        BertForMaskedLM loaded = HfCheckpoint.loadMaskedLM(tmp);
        assertArrayEquals(model.logits(ids(), null, null).toFloatArray(), loaded.logits(ids(), null, null).toFloatArray());
    }

    @Test
    void savedFolderUsesHfNamesAndOmitsTheTiedDecoder() throws Exception {
        HfCheckpoint.save(new BertForMaskedLM(tiny(), new Rng(1), new Rng(2)), tmp);
        Map<String, Tensor> saved = Safetensors.read(tmp.resolve("model.safetensors"));
        assertTrue(saved.containsKey("bert.encoder.layer.1.attention.self.query.weight"));
        assertTrue(saved.containsKey("cls.predictions.transform.LayerNorm.weight"));
        assertFalse(saved.containsKey("cls.predictions.decoder.weight"));
        Map<String, Object> config = Json.parseObject(Files.readString(tmp.resolve("config.json")), "config.json");
        assertEquals(List.of("BertForMaskedLM"), config.get("architectures"));
        assertEquals(16L, config.get("hidden_size"));
        assertEquals("gelu", config.get("hidden_act"));
    }

    @Test
    void classificationConfigKeepsItsLabelNames() throws Exception {
        BertConfig c = tiny().withLabels(List.of("ham", "spam"));
        HfCheckpoint.save(new BertForSequenceClassification(c, new Rng(1), new Rng(2)), tmp);
        assertEquals(List.of("ham", "spam"), HfCheckpoint.readConfig(tmp).labels());
    }

    @Test
    void fineTuningModelTakesTheEncoderFromAPretrainedFolder() throws Exception {
        BertForMaskedLM pre = new BertForMaskedLM(tiny(), new Rng(1), new Rng(2));
        HfCheckpoint.save(pre, tmp);
        BertForTokenClassification tok = new BertForTokenClassification(tiny().withLabels(List.of("a", "b", "c")), new Rng(9), new Rng(2));
        StateDict.Report r = HfCheckpoint.loadInto(tok, tmp);
        assertEquals(List.of("classifier.weight", "classifier.bias"), r.missing());
        assertArrayEquals(pre.bert.embeddings.wordEmbeddings.weight.toFloatArray(), tok.bert.embeddings.wordEmbeddings.weight.toFloatArray());
    }

    @Test
    void aFineTunedClassifierIsNotAMaskedLm() throws Exception {
        HfCheckpoint.save(new BertForSequenceClassification(tiny().withLabels(List.of("ham", "spam")), new Rng(1), new Rng(2)), tmp);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains("model.safetensors has no masked-LM head (no cls.predictions.* tensors"), e.getMessage());
        assertTrue(e.getMessage().contains("names [BertForSequenceClassification]"), e.getMessage());
        // The check alone, for commands that make it before slow work: the same error, from the tensors' names.
        assertEquals(e.getMessage(), assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.requireMaskedLM(tmp)).getMessage());
        assertEquals(List.copyOf(HfCheckpoint.readWeights(tmp).keySet()), HfCheckpoint.tensorNames(tmp));
    }

    @Test
    void checkpointThatDoesNotFitTheConfigNamesTheTensor() throws Exception {
        HfCheckpoint.save(new BertForMaskedLM(tiny(), new Rng(1), new Rng(2)), tmp);
        Map<String, Object> config = Json.parseObject(Files.readString(tmp.resolve("config.json")), "config.json");
        config.put("intermediate_size", 64);
        Files.writeString(tmp.resolve("config.json"), Json.writePretty(config));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains("bert.encoder.layer.0.intermediate.dense.weight is [32, 16] in the checkpoint but [64, 16]"), e.getMessage());
    }

    @Test
    void aConfigThatIsNotUtf8IsNamed() throws Exception {
        Files.write(tmp.resolve("config.json"), new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'}); // Latin-1 'é'
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> HfCheckpoint.readConfig(tmp));
        assertEquals(tmp.resolve("config.json") + ": not valid UTF-8 (convert the file to UTF-8)", e.getMessage());
    }

    @Test
    void unsupportedActivationIsAClearError() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 10, \"hidden_act\": \"gelu_10\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.readConfig(tmp));
        assertEquals(tmp.resolve("config.json") + ": unsupported hidden_act \"gelu_10\" (supported: gelu, gelu_python, gelu_new, "
                + "gelu_pytorch_tanh, gelu_accurate, gelu_fast, quick_gelu, relu, silu, swish, tanh, linear)", e.getMessage());
        Files.writeString(tmp.resolve("config.json"), "{\"hidden_act\": 3}");
        e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.readConfig(tmp));
        assertTrue(e.getMessage().endsWith("config.json: field 'hidden_act' must be an activation name such as \"gelu\", got 3"), e.getMessage());
    }

    @Test
    void everyHiddenActSavesBackUnderItsOwnName() throws Exception {
        for (Activation act : Activation.values()) {
            Files.writeString(tmp.resolve("config.json"), "{\"hidden_act\": \"" + act.hfName() + "\"}");
            BertConfig read = HfCheckpoint.readConfig(tmp);
            assertEquals(act, read.hiddenAct());
            read.write(tmp.resolve("config.json"), "BertForMaskedLM");
            assertEquals(act.hfName(), Json.parseObject(Files.readString(tmp.resolve("config.json")), "config.json").get("hidden_act"));
        }
        Files.writeString(tmp.resolve("config.json"), "{}");
        assertEquals(Activation.GELU, HfCheckpoint.readConfig(tmp).hiddenAct(), "absent: HF's default \"gelu\"");
    }

    @Test
    void theActivationIsUsedInTheLayersAndTheMaskedLmHeadAndSurvivesASave() throws Exception {
        BertForMaskedLM gelu = new BertForMaskedLM(tiny(), new Rng(1), new Rng(2));
        BertForMaskedLM geluNew = new BertForMaskedLM(tiny().withHiddenAct(Activation.GELU_NEW), new Rng(1), new Rng(2));
        BertForMaskedLM relu = new BertForMaskedLM(tiny().withHiddenAct(Activation.RELU), new Rng(1), new Rng(2));
        float[] g = gelu.logits(ids(), null, null).toFloatArray(), n = geluNew.logits(ids(), null, null).toFloatArray();
        float[] r = relu.logits(ids(), null, null).toFloatArray();
        // The same weights: the tanh approximation is close to the erf GELU, relu is not.
        assertFalse(java.util.Arrays.equals(g, n));
        assertArrayEquals(g, n, 1e-3f);
        assertFalse(java.util.Arrays.equals(g, r));

        HfCheckpoint.save(relu, tmp);
        assertEquals("relu", Json.parseObject(Files.readString(tmp.resolve("config.json")), "config.json").get("hidden_act"));
        BertForMaskedLM loaded = HfCheckpoint.loadMaskedLM(tmp);
        assertEquals(Activation.RELU, loaded.config.hiddenAct());
        assertArrayEquals(r, loaded.logits(ids(), null, null).toFloatArray());
    }

    @Test
    void missingWeightsFileIsNamed() throws Exception {
        tiny().write(tmp.resolve("config.json"), "BertForMaskedLM");
        Exception e = assertThrows(java.nio.file.NoSuchFileException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void aRunFolderGivenForAModelNamesTheCheckpointToGiveInstead() throws Exception {
        // RUN/checkpoints/{step-4, step-8, latest}: `--model RUN` or `--model RUN/checkpoints` points at the latest one.
        Path checkpoints = tmp.resolve("run/checkpoints");
        for (String step : List.of("step-4", "step-8")) HfCheckpoint.save(new BertForMaskedLM(tiny(), new Rng(1), new Rng(2)), checkpoints.resolve(step));
        Files.writeString(checkpoints.resolve("latest"), "step-8\n");
        for (Path given : List.of(tmp.resolve("run"), checkpoints)) {
            var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> HfCheckpoint.loadMaskedLM(given));
            assertEquals(given.resolve("config.json") + ": not found: " + given + " is not a model folder but holds some: give one of them, e.g. "
                    + checkpoints.resolve("step-8"), jtrain.engine.io.IoErrors.describe(e));
        }
        // Without the pointer, the highest step (by number: step-10 after step-8); a folder with no model inside gets no hint.
        Files.delete(checkpoints.resolve("latest"));
        HfCheckpoint.save(new BertForMaskedLM(tiny(), new Rng(1), new Rng(2)), checkpoints.resolve("step-10"));
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> HfCheckpoint.readConfig(tmp.resolve("run")));
        assertTrue(e.getMessage().endsWith("e.g. " + checkpoints.resolve("step-10")), e.getMessage());
        Files.createDirectories(tmp.resolve("empty/sub"));
        e = assertThrows(java.nio.file.NoSuchFileException.class, () -> HfCheckpoint.readConfig(tmp.resolve("empty")));
        assertEquals(tmp.resolve("empty/config.json") + ": not found", jtrain.engine.io.IoErrors.describe(e));
    }
}
