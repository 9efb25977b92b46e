package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy", "sharded"})
    void aPytorchModelBinGivesTheSameModelAsTheSafetensors(String layout) throws Exception {
        Path golden = Golden.dir().resolve("random-init");
        assumeTrue(torchAvailable(), "skipped: " + PYTHON + " cannot import torch, which writes the pytorch_model.bin under test");
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Files.copy(golden.resolve(HfCheckpoint.CONFIG), bin.resolve(HfCheckpoint.CONFIG));
        String weights = layout.equals("sharded") ? HfCheckpoint.TORCH_WEIGHTS_INDEX : HfCheckpoint.TORCH_WEIGHTS;
        python(script(), golden.resolve(HfCheckpoint.WEIGHTS).toString(), bin.resolve(weights).toString(), layout);

        assertEquals(bin.resolve(weights), HfCheckpoint.weightsFile(bin));
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

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static void python(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = PYTHON;
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), "python failed: " + output);
    }

    private static String script() throws URISyntaxException {
        return Path.of(HfCheckpointTorchBinTest.class.getResource("/torch/safetensors_to_bin.py").toURI()).toString();
    }
}
