package jtrain.engine.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.DType;
import jtrain.engine.Tensor;

/** Files written by Hugging Face transformers (bert-tiny with random weights) load with the shapes of its config. */
class SafetensorsGoldenTest {
    @Test
    void huggingFaceModelFileLoadsWithTheConfiguredShapes() throws Exception {
        Path dir = GoldenFiles.dir("hf-bert-tiny/random-init");
        Map<String, Object> config = Json.parseObject(Files.readString(dir.resolve("config.json")), "config.json");
        int vocab = ((Long) config.get("vocab_size")).intValue(), hidden = ((Long) config.get("hidden_size")).intValue();
        int intermediate = ((Long) config.get("intermediate_size")).intValue();

        Map<String, Tensor> model = Safetensors.read(dir.resolve("model.safetensors"));

        assertArrayEquals(new int[] {vocab, hidden}, model.get("bert.embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new int[] {intermediate, hidden}, model.get("bert.encoder.layer.0.intermediate.dense.weight").shape());
        assertArrayEquals(new int[] {hidden}, model.get("bert.embeddings.LayerNorm.weight").shape());
        assertEquals(DType.F32, model.get("cls.predictions.bias").dtype());
        assertEquals("pt", Safetensors.readMetadata(dir.resolve("model.safetensors")).get("format"));
        // A freshly initialised LayerNorm has weight 1 and bias 0.
        for (float w : model.get("bert.embeddings.LayerNorm.weight").toFloatArray()) assertEquals(1f, w);
    }

    @Test
    void goldenOutputsLoadAndSurviveARoundTrip(@TempDir Path tmp) {
        Path dir = GoldenFiles.dir("hf-bert-tiny/random-init");
        Map<String, Tensor> golden = Safetensors.read(dir.resolve("golden.safetensors"));

        assertArrayEquals(new int[] {1}, golden.get("mlm.loss").shape());
        assertTrue(golden.values().stream().anyMatch(t -> t.dtype() == DType.I32), "holds integer inputs too");

        Path copy = tmp.resolve("copy.safetensors");
        Safetensors.write(copy, golden, null);
        Map<String, Tensor> back = Safetensors.read(copy);
        assertEquals(golden.keySet(), back.keySet());
        for (String name : golden.keySet()) {
            assertArrayEquals(golden.get(name).shape(), back.get(name).shape(), name);
            assertArrayEquals(golden.get(name).toDoubleArray(), back.get(name).toDoubleArray(), 0, name);
        }
    }
}
