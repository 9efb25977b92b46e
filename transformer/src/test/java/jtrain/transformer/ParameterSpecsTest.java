package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;
import jtrain.engine.io.Safetensors;
import jtrain.engine.io.TensorSpec;

/**
 * A model's parameters as its config gives them, without building it, and the check of a folder's weights against
 * them from the headers alone: it refuses what loading refuses, with the same message, and reads no tensor's values.
 */
class ParameterSpecsTest {
    @TempDir
    Path tmp;

    /** Configs where no two sizes coincide, so a dimension taken from the wrong field shows. */
    static List<BertConfig> configs() {
        Map<String, Object> j = new LinkedHashMap<>(Map.of("vocab_size", 37L, "hidden_size", 12L, "num_hidden_layers", 3L,
                "num_attention_heads", 3L, "intermediate_size", 20L, "max_position_embeddings", 9L, "type_vocab_size", 5L));
        return List.of(BertConfig.fromJson(j, "test"), CheckpointTest.tiny(), BertConfig.of(11, 1, 4, 1, 7).withMaxPositions(6));
    }

    static Map<String, TensorSpec> specsOf(jtrain.transformer.nn.Module model) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        model.namedParameters().forEach((name, t) -> out.put(name, TensorSpec.of(t)));
        return out;
    }

    @Test
    void theSpecsAreTheBuiltModelsParametersInOrder() {
        for (BertConfig c : configs()) {
            assertEquals(specsOf(new BertModel(c, true, new Rng(1), new Rng(2))), BertModel.parameterSpecs(c, true));
            assertEquals(specsOf(new BertModel(c, false, new Rng(1), new Rng(2))), BertModel.parameterSpecs(c, false));
            assertEquals(specsOf(new BertForMaskedLM(c, new Rng(1), new Rng(2))), BertForMaskedLM.parameterSpecs(c));
            // Compared as lists too: the map's equality ignores order, which the reports' lists follow.
            assertEquals(List.copyOf(specsOf(new BertForMaskedLM(c, new Rng(1), new Rng(2))).keySet()),
                    List.copyOf(BertForMaskedLM.parameterSpecs(c).keySet()));
        }
    }

    /** A saved tiny masked-LM folder, its config.json and model.safetensors then changed by the edits. */
    private Path folder(Consumer<Map<String, Object>> config, Consumer<Map<String, Tensor>> weights) throws Exception {
        HfCheckpoint.save(new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2)), tmp);
        Map<String, Object> c = Json.readObject(tmp.resolve(HfCheckpoint.CONFIG));
        config.accept(c);
        Files.writeString(tmp.resolve(HfCheckpoint.CONFIG), Json.writePretty(c));
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(tmp.resolve(HfCheckpoint.WEIGHTS)));
        weights.accept(w);
        Safetensors.write(tmp.resolve(HfCheckpoint.WEIGHTS), w, Map.of("format", "pt"));
        return tmp;
    }

    private static void assertSameRefusal(Executable load, Executable check, String expected) {
        String loading = assertThrows(IllegalArgumentException.class, load).getMessage();
        assertTrue(loading.contains(expected), loading);
        assertEquals(loading, assertThrows(IllegalArgumentException.class, check).getMessage());
    }

    @Test
    void theHeaderCheckRefusesWhatLoadingRefusesWithTheSameMessage() throws Exception {
        Path wider = folder(c -> c.put("intermediate_size", 48L), w -> {});
        assertSameRefusal(() -> HfCheckpoint.loadMaskedLM(wider), () -> HfCheckpoint.checkMaskedLM(wider),
                "tensors do not fit the config: bert.encoder.layer.0.intermediate.dense.weight is [32, 16] in the checkpoint but [48, 16] in the model");

        Path partial = folder(c -> {}, w -> w.remove("cls.predictions.transform.dense.bias"));
        assertSameRefusal(() -> HfCheckpoint.loadMaskedLM(partial), () -> HfCheckpoint.checkMaskedLM(partial),
                "missing tensors [cls.predictions.transform.dense.bias]");

        Path integers = folder(c -> {}, w -> w.put("bert.encoder.layer.1.output.dense.weight", Tensor.ofInts(new int[16 * 32], 16, 32)));
        assertSameRefusal(() -> HfCheckpoint.loadMaskedLM(integers), () -> HfCheckpoint.checkMaskedLM(integers),
                "tensor 'bert.encoder.layer.1.output.dense.weight' holds integers (I32 or I64 in the file) where the model expects F32 weights");

        // The encoder check of fine-tuning's --init: a pooler may be missing, a classifier's tensors are not looked at.
        Path classifier = folder(c -> {}, w -> w.put("classifier.weight", Tensor.zeros(DType.F32, jtrain.engine.Device.CPU, 3, 16)));
        Map<String, TensorSpec> encoder = new LinkedHashMap<>();
        BertModel.parameterSpecs(HfCheckpoint.readConfig(classifier), true).forEach((n, s) -> encoder.put("bert." + n, s));
        StateDict.Report r = StateDict.check(encoder, HfCheckpoint.tensorSpecs(classifier));
        assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias"), r.missing());
        assertEquals(List.of("cls.predictions.bias", "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
                "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias", "classifier.weight"), r.unexpected());
    }

    @Test
    void theHeaderCheckPassesOtherFloatTypesAndReadsNoValues() throws Exception {
        // BF16 and F64 weights load (converted to F32), so they pass. An HF buffer whose I64 values do not fit an
        // I32 fails only when its values are read: the check, which reads none, lets it through.
        Path dir = folder(c -> {}, w -> w.replaceAll((name, t) -> name.contains("LayerNorm") ? t.to(DType.F64) : t.to(DType.BF16)));
        appendI64(dir.resolve(HfCheckpoint.WEIGHTS), "bert.embeddings.position_ids", 0, 1L << 40);
        assertDoesNotThrow(() -> HfCheckpoint.checkMaskedLM(dir));
        var e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(dir));
        assertTrue(e.getMessage().contains("tensor 'bert.embeddings.position_ids': I64 value 1099511627776"), e.getMessage());
    }

    /** Adds an I64 tensor of the values to a safetensors file (Safetensors.write writes none): a header entry, the data at the end. */
    private static void appendI64(Path file, String name, long... values) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) in.getLong(0), dataLength = in.capacity() - 8 - headerLength;
        Map<String, Object> header = Json.parseObject(new String(in.array(), 8, headerLength, StandardCharsets.UTF_8), file.toString());
        header.put(name, Map.of("dtype", "I64", "shape", List.of((long) values.length), "data_offsets", List.of((long) dataLength, dataLength + 8L * values.length)));
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + dataLength + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(in.array(), 8 + headerLength, dataLength);
        for (long v : values) out.putLong(v);
        Files.write(file, out.array());
    }
}
