package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;
import jtrain.engine.io.Safetensors;

/**
 * A checkpoint split into shards, as HF saves large models (model-0000K-of-0000N.safetensors and an index.json
 * naming each tensor's shard), loads as the single file would; shards and index that disagree are named.
 */
class ShardedCheckpointTest {
    @TempDir
    Path tmp;

    private final BertForMaskedLM model = new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2));

    /** Saves the model, then splits its safetensors into two shards (encoder layers apart) with their index. */
    private Map<String, String> saveSharded() throws Exception {
        HfCheckpoint.save(model, tmp);
        Map<String, Tensor> all = Safetensors.read(tmp.resolve(HfCheckpoint.WEIGHTS));
        Files.delete(tmp.resolve(HfCheckpoint.WEIGHTS));
        Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        all.forEach((name, t) -> {
            boolean late = name.startsWith("bert.encoder.layer.1.") || name.startsWith("cls.");
            (late ? second : first).put(name, t);
            weightMap.put(name, late ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
        });
        Safetensors.write(tmp.resolve("model-00001-of-00002.safetensors"), first, Map.of("format", "pt"));
        Safetensors.write(tmp.resolve("model-00002-of-00002.safetensors"), second, Map.of("format", "pt"));
        writeIndex(weightMap);
        return weightMap;
    }

    private void writeIndex(Map<String, String> weightMap) throws Exception {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", 0L));
        index.put("weight_map", weightMap);
        Files.writeString(tmp.resolve(HfCheckpoint.WEIGHTS_INDEX), Json.writePretty(index));
    }

    @Test
    void shardedSafetensorsLoadTheSameModel() throws Exception {
        saveSharded();
        assertEquals(tmp.resolve(HfCheckpoint.WEIGHTS_INDEX), HfCheckpoint.weightsFile(tmp));
        assertEquals(Set.copyOf(HfCheckpoint.readWeights(tmp).keySet()), Set.copyOf(HfCheckpoint.tensorNames(tmp)), "names from the index");
        BertForMaskedLM loaded = HfCheckpoint.loadMaskedLM(tmp);
        Tensor ids = CheckpointTest.ids();
        assertArrayEquals(model.logits(ids, null, null).toFloatArray(), loaded.logits(ids, null, null).toFloatArray());
    }

    @Test
    void aMissingShardIsNamed() throws Exception {
        saveSharded();
        Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
        Exception e = assertThrows(NoSuchFileException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().startsWith(tmp.resolve(HfCheckpoint.WEIGHTS_INDEX) + ": shard model-00002-of-00002.safetensors not found"),
                e.getMessage());
    }

    @Test
    void aTensorItsShardDoesNotHoldIsNamed() throws Exception {
        Map<String, String> weightMap = saveSharded();
        weightMap.put("bert.pooler.dense.weight", "model-00001-of-00002.safetensors");
        writeIndex(weightMap);
        Exception e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertEquals(tmp.resolve(HfCheckpoint.WEIGHTS_INDEX) + ": tensor bert.pooler.dense.weight is mapped to "
                + "model-00001-of-00002.safetensors, which does not hold it", e.getMessage());
    }

    @Test
    void aTensorInTwoShardsIsNamed() throws Exception {
        saveSharded();
        Map<String, Tensor> second = Safetensors.read(tmp.resolve("model-00002-of-00002.safetensors"));
        second.put("bert.embeddings.word_embeddings.weight", model.bert.embeddings.wordEmbeddings.weight);
        Safetensors.write(tmp.resolve("model-00002-of-00002.safetensors"), second, Map.of());
        Exception e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains("tensor bert.embeddings.word_embeddings.weight is in two shards"), e.getMessage());
    }

    @Test
    void anIndexCannotPointOutsideTheModelFolder() throws Exception {
        Map<String, String> weightMap = saveSharded();
        weightMap.put("bert.pooler.dense.weight", "../elsewhere.safetensors");
        writeIndex(weightMap);
        Exception e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains("weight_map[\"bert.pooler.dense.weight\"] must be a file name in the same folder"), e.getMessage());
    }

    @Test
    void aSingleFileIsPreferredOverShards() throws Exception {
        saveSharded();
        HfCheckpoint.save(model, tmp);
        assertEquals(tmp.resolve(HfCheckpoint.WEIGHTS), HfCheckpoint.weightsFile(tmp));
    }

    @Test
    void aFolderWithoutWeightsListsWhatWasLookedFor() throws Exception {
        CheckpointTest.tiny().write(tmp.resolve(HfCheckpoint.CONFIG), "BertForMaskedLM");
        Exception e = assertThrows(NoSuchFileException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().contains(HfCheckpoint.WEIGHTS_INDEX) && e.getMessage().contains(HfCheckpoint.TORCH_WEIGHTS_INDEX), e.getMessage());
    }
}
