package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.io.Json;

/** The trained golden checkpoint predicts the same top-5 tokens and probabilities as HF's fill-mask. */
class FillMaskGoldenTest {
    @Test
    @SuppressWarnings("unchecked")
    void topFiveIdsAndProbabilitiesMatchHuggingFace() throws Exception {
        Path dir = Golden.dir().resolve("trained");
        BertForMaskedLM model = HfCheckpoint.loadMaskedLM(dir);
        int maskId = Files.readAllLines(dir.resolve("vocab.txt")).indexOf("[MASK]");
        Map<String, Object> golden = Json.parseObject(Files.readString(dir.resolve("fill_mask.json")), "fill_mask.json");
        for (Object c : (List<Object>) golden.get("cases")) {
            Map<String, Object> kase = (Map<String, Object>) c;
            int[] ids = ((List<Object>) kase.get("input_ids")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            List<FillMask.Prediction> got = FillMask.predict(model, ids, maskId, 5);
            List<Object> masks = (List<Object>) kase.get("masks");
            assertEquals(masks.size(), got.size(), "mask count in: " + kase.get("text"));
            for (int m = 0; m < masks.size(); m++) {
                Map<String, Object> want = (Map<String, Object>) masks.get(m);
                assertEquals(((Number) want.get("position")).intValue(), got.get(m).position());
                List<Object> top = (List<Object>) want.get("top");
                for (int k = 0; k < top.size(); k++) {
                    Map<String, Object> cand = (Map<String, Object>) top.get(k);
                    double score = ((Number) cand.get("score")).doubleValue();
                    FillMask.Candidate ours = got.get(m).top().get(k);
                    if (ours.id() != ((Number) cand.get("id")).intValue()) {
                        // A swap of two candidates closer than 1e-4 is allowed (README): compare the probability.
                        assertEquals(score, ours.score(), 1e-4, "candidate " + k + " differs in: " + kase.get("text"));
                    }
                    assertEquals(score, ours.score(), 1e-4, "probability of candidate " + k + " in: " + kase.get("text"));
                }
            }
        }
    }
}
