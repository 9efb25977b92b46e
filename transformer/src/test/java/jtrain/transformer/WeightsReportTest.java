package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.DType;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Safetensors;

/** What loading a folder says about tensors the model does not use, and about tensors of the wrong kind. */
class WeightsReportTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream notes = new ByteArrayOutputStream();

    private PrintStream notes() {
        return new PrintStream(notes, true, StandardCharsets.UTF_8);
    }

    /** A saved tiny masked-LM folder whose model.safetensors is rewritten with tensors changed by edit. */
    private Path folderWith(java.util.function.Consumer<Map<String, Tensor>> edit) throws Exception {
        HfCheckpoint.save(new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2)), tmp);
        Map<String, Tensor> weights = new java.util.LinkedHashMap<>(Safetensors.read(tmp.resolve("model.safetensors")));
        edit.accept(weights);
        Safetensors.write(tmp.resolve("model.safetensors"), weights, Map.of("format", "pt"));
        return tmp;
    }

    @Test
    void unexpectedTensorsLoadButAreNamedInOneNote() throws Exception {
        Path dir = folderWith(w -> {
            w.put("extra.weight", Tensor.of(new float[] {1, 2}, 2));
            w.put("cls.seq_relationship.bias", Tensor.of(new float[] {0, 0}, 2)); // BertForPreTraining's next-sentence head
        });
        BertForMaskedLM model = HfCheckpoint.loadMaskedLM(dir, new Rng(0), notes());
        assertNotNull(model);
        assertEquals("note: " + dir.resolve("model.safetensors") + ": 2 tensors not used by the model (ignored): "
                + "[extra.weight, cls.seq_relationship.bias]\n", notes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hfBuffersAndAPoolerAreNotNoted() throws Exception {
        // Older transformers saved BertEmbeddings' position_ids; HF's BertForMaskedLM ignores a pooler.
        Path dir = folderWith(w -> {
            w.put("bert.embeddings.position_ids", Tensor.ofInts(new int[16], 1, 16));
            w.put("bert.pooler.dense.bias", Tensor.of(new float[16], 16));
        });
        HfCheckpoint.loadMaskedLM(dir, new Rng(0), notes());
        assertEquals("", notes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void manyUnexpectedTensorsAreSummarised() {
        StateDict.Report r = new StateDict.Report(java.util.List.of(), java.util.List.of("a", "b", "c", "d", "e", "f", "g", "h"),
                java.util.List.of(), java.util.List.of());
        assertEquals("note: m.safetensors: 8 tensors not used by the model (ignored): [a, b, c, d, e, f] and 2 more", r.unusedNote("m.safetensors"));
        assertNull(r.unusedNote("m.safetensors", "a", "b", "c", "d", "e", "f", "g", "h"), "all expected");
    }

    @Test
    void exactLoadingRefusesUnexpectedTensors() {
        // A resumed run's checkpoint was written from this very model: a tensor too many means a different model.
        BertForMaskedLM model = new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2));
        Map<String, Tensor> weights = new java.util.LinkedHashMap<>(StateDict.of(model));
        StateDict.load(model, weights).requireExact("cp/model.safetensors");
        weights.put("extra.weight", Tensor.of(new float[] {1}, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateDict.load(model, weights).requireExact("cp/model.safetensors"));
        assertEquals("cp/model.safetensors: tensors the model does not have [extra.weight]", e.getMessage());
    }

    @Test
    void integerTensorWhereTheModelHasWeightsIsRefusedNotConverted() throws Exception {
        Path dir = folderWith(w -> {
            Tensor t = w.get("bert.embeddings.word_embeddings.weight");
            w.put("bert.embeddings.word_embeddings.weight", Tensor.ofInts(new int[t.numel()], t.shape()));
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.loadMaskedLM(dir, new Rng(0), notes()));
        assertEquals(dir.resolve("model.safetensors") + ": tensor 'bert.embeddings.word_embeddings.weight' holds integers (I32 or I64 in "
                + "the file) where the model expects F32 weights", e.getMessage());
    }

    @Test
    void otherFloatTypesAreConverted() throws Exception {
        // As HF loads an F16 or BF16 checkpoint into a float32 model.
        BertForMaskedLM original = new BertForMaskedLM(CheckpointTest.tiny(), new Rng(1), new Rng(2));
        Path dir = folderWith(w -> w.replaceAll((name, t) -> name.contains("LayerNorm") ? t.to(DType.F64) : t.to(DType.BF16)));
        BertForMaskedLM loaded = HfCheckpoint.loadMaskedLM(dir, new Rng(0), notes());
        float[] a = original.bert.embeddings.wordEmbeddings.weight.toFloatArray(), b = loaded.bert.embeddings.wordEmbeddings.weight.toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], Math.abs(a[i]) / 128, "bf16 rounding, element " + i);
        assertEquals("", notes.toString(StandardCharsets.UTF_8));
    }
}
