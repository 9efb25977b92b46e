package jtrain.engine.io;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Tensor;

/**
 * Files written by real PyTorch (src/test/resources/torch/make_fixtures.py, torch 1.13) read back to the values the
 * script recorded in expected.json, in both of torch.save's layouts.
 */
class TorchCheckpointFixtureTest {
    static Path fixture(String name) {
        try {
            return Path.of(TorchCheckpointFixtureTest.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> expected() throws Exception {
        Path json = fixture("expected.json");
        return (Map<String, Object>) Json.parseObject(Files.readString(json), json.toString()).get("tensors");
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.bin", "state_dict_legacy.bin"})
    @SuppressWarnings("unchecked")
    void everyTensorHasTheShapeAndValuesTorchSaved(String file) throws Exception {
        Map<String, Tensor> tensors = TorchCheckpoint.read(fixture(file));
        Map<String, Object> expected = expected();
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(tensors.keySet()), "names, in the state dict's order");
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String name = e.getKey();
            Map<String, Object> want = (Map<String, Object>) e.getValue();
            Tensor got = tensors.get(name);
            int[] shape = ((List<Object>) want.get("shape")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            assertArrayEquals(shape, got.shape(), name + " shape");
            assertTrue(got.isContiguous() && got.offset() == 0 && got.storage().length() == got.numel(), name + " is dense");
            List<Object> values = (List<Object>) want.get("values");
            for (int i = 0; i < values.size(); i++) {
                double v = ((Number) values.get(i)).doubleValue();
                assertEquals(v, ((CpuStorage) got.storage()).get(i), 0.0, name + " element " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.bin", "state_dict_legacy.bin"})
    void theNamesAloneComeFromThePickle(String file) throws Exception {
        assertEquals(List.copyOf(expected().keySet()), TorchCheckpoint.tensorNames(fixture(file)), "names, in the state dict's order");
    }

    @Test
    void namesAreReadWithoutTheStoragesThatFollowThePickle(@TempDir Path tmp) throws Exception {
        byte[] legacy = Files.readAllBytes(fixture("state_dict_legacy.bin"));
        Path truncated = Files.write(tmp.resolve("truncated.bin"), Arrays.copyOf(legacy, legacy.length - 8));
        assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.read(truncated));
        assertEquals(List.copyOf(expected().keySet()), TorchCheckpoint.tensorNames(truncated));
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.bin", "state_dict_legacy.bin"})
    void typesAndShapesComeFromThePickleAsTheTensorsWouldBeRead(String file) throws Exception {
        Map<String, TensorSpec> specs = new java.util.LinkedHashMap<>();
        TorchCheckpoint.read(fixture(file)).forEach((name, t) -> specs.put(name, TensorSpec.of(t)));
        assertEquals(specs, TorchCheckpoint.tensorSpecs(fixture(file)));
        assertEquals(List.copyOf(specs.keySet()), List.copyOf(TorchCheckpoint.tensorSpecs(fixture(file)).keySet()), "the state dict's order");
    }

    @Test
    void typesAndShapesAreReadWithoutTheStoragesThatFollowThePickle(@TempDir Path tmp) throws Exception {
        byte[] legacy = Files.readAllBytes(fixture("state_dict_legacy.bin"));
        Path truncated = Files.write(tmp.resolve("truncated.bin"), Arrays.copyOf(legacy, legacy.length - 8));
        assertEquals(TorchCheckpoint.tensorSpecs(fixture("state_dict_legacy.bin")), TorchCheckpoint.tensorSpecs(truncated));
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.bin", "state_dict_legacy.bin"})
    void dtypesFollowTheSafetensorsReader(String file) {
        Map<String, Tensor> t = TorchCheckpoint.read(fixture(file));
        assertEquals(DType.F32, t.get("f32").dtype());
        assertEquals(DType.F32, t.get("f16").dtype(), "half becomes F32");
        assertEquals(DType.F32, t.get("bf16").dtype(), "bfloat16 becomes F32");
        assertEquals(DType.F64, t.get("f64").dtype(), "double is kept");
        assertEquals(DType.I32, t.get("i64").dtype(), "long becomes I32, every value fitting");
        assertEquals(DType.I32, t.get("i32").dtype());
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.bin", "state_dict_legacy.bin"})
    void viewsOfOneStorageBecomeIndependentCopies(String file) {
        Map<String, Tensor> t = TorchCheckpoint.read(fixture(file));
        ((CpuStorage) t.get("f32").storage()).set(0, 100);
        assertEquals(-1.0, ((CpuStorage) t.get("f32_transposed").storage()).get(0), "the transposed view shares nothing once read");
    }
}
