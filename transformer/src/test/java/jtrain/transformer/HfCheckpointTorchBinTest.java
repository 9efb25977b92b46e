package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/**
 * HF folders that ship pytorch_model.bin (torch.save's format, whole or in shards) instead of model.safetensors load the same model.
 * The .bin files are made at test time by real PyTorch from the golden folder's safetensors; where
 * /usr/bin/python3 cannot import torch the test is skipped (the reader itself is tested without Python in the
 * engine module).
 */
class HfCheckpointTorchBinTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy", "sharded"})
    void aPytorchModelBinGivesTheSameModelAsTheSafetensors(String layout) throws Exception {
        Path golden = Golden.dir().resolve("random-init");
        TorchPython.assumeAvailable("writes the pytorch_model.bin under test");
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Files.copy(golden.resolve(HfCheckpoint.CONFIG), bin.resolve(HfCheckpoint.CONFIG));
        String weights = layout.equals("sharded") ? HfCheckpoint.TORCH_WEIGHTS_INDEX : HfCheckpoint.TORCH_WEIGHTS;
        TorchPython.run("safetensors_to_bin.py", golden.resolve(HfCheckpoint.WEIGHTS).toString(), bin.resolve(weights).toString(), layout);

        assertEquals(bin.resolve(weights), HfCheckpoint.weightsFile(bin));
        // The check before slow work reads the pickle alone: it finds the types and shapes a load gets.
        Map<String, jtrain.engine.io.TensorSpec> specs = new java.util.LinkedHashMap<>();
        HfCheckpoint.readWeights(bin).forEach((name, t) -> specs.put(name, jtrain.engine.io.TensorSpec.of(t)));
        assertEquals(specs, HfCheckpoint.tensorSpecs(bin));
        assertDoesNotThrow(() -> HfCheckpoint.checkMaskedLM(bin));
        BertForMaskedLM fromSafetensors = HfCheckpoint.loadMaskedLM(golden);
        BertForMaskedLM fromBin = HfCheckpoint.loadMaskedLM(bin);
        for (Map.Entry<String, Tensor> p : fromSafetensors.namedParameters().entrySet()) {
            assertArrayEquals(p.getValue().toFloatArray(), fromBin.namedParameters().get(p.getKey()).toFloatArray(), p.getKey());
        }
        Tensor ids = Tensor.ofInts(new int[] {2, 17, 240, 1033, 3, 0, 2, 5, 6, 7, 8, 3}, 2, 6);
        Tensor mask = Tensor.ofInts(new int[] {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1}, 2, 6);
        assertArrayEquals(fromSafetensors.logits(ids, null, mask).toFloatArray(), fromBin.logits(ids, null, mask).toFloatArray());
    }

    @Test
    void safetensorsIsPreferredWhenBothArePresent() throws Exception {
        BertForMaskedLM model = new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2));
        HfCheckpoint.save(model, tmp);
        Files.writeString(tmp.resolve(HfCheckpoint.TORCH_WEIGHTS), "not read: model.safetensors comes first");
        assertEquals(tmp.resolve(HfCheckpoint.WEIGHTS), HfCheckpoint.weightsFile(tmp));
        BertForMaskedLM loaded = HfCheckpoint.loadMaskedLM(tmp);
        Tensor ids = CheckpointTest.ids();
        assertArrayEquals(model.logits(ids, null, null).toFloatArray(), loaded.logits(ids, null, null).toFloatArray());
    }

    @Test
    void aBrokenPytorchModelBinIsNamed() throws Exception {
        CheckpointTest.tiny().write(tmp.resolve(HfCheckpoint.CONFIG), "BertForMaskedLM");
        Files.writeString(tmp.resolve(HfCheckpoint.TORCH_WEIGHTS), "version https://git-lfs.github.com/spec/v1");
        Exception e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(tmp));
        assertTrue(e.getMessage().startsWith(tmp.resolve(HfCheckpoint.TORCH_WEIGHTS) + ": not a torch.save file"), e.getMessage());
    }
}
