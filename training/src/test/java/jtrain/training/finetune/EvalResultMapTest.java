package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.io.Json;
import jtrain.transformer.ProblemType;

/** A checkpoint keeps its dev evaluations as toMap's fields in trainer_state.json; fromMap reads them back per problem type. */
class EvalResultMapTest {
    /** Written as JSON and parsed again, as a checkpoint does. */
    static EvalResult roundTrip(EvalResult r, ProblemType problem) {
        Map<String, Object> parsed = Json.parseObject(Json.write(r.toMap("dev")), "trainer_state.json");
        return EvalResult.fromMap(parsed, "dev", problem, "trainer_state.json");
    }

    @Test
    void aSingleLabelResultKeepsItsFieldsAndReadsBack() {
        EvalResult r = new EvalResult(0.5, 0.75, 0.625, 8, new int[8], new int[8]);
        assertEquals(List.of("dev_loss", "dev_accuracy", "dev_macro_f1", "dev_scored"), List.copyOf(r.toMap("dev").keySet()));
        EvalResult back = roundTrip(r, ProblemType.SINGLE_LABEL);
        assertEquals(r.toMap("dev"), back.toMap("dev"));
        assertEquals(r.score("accuracy"), back.score("accuracy"));
    }

    @Test
    void regressionAndMultiLabelResultsReadBackWithTheirMetricsInOrder() {
        Map<String, Double> regression = new LinkedHashMap<>();
        regression.put("pearson", Double.NaN); // constant predictions, as early in a run
        regression.put("spearman", Double.NaN);
        regression.put("mse", 1.25);
        EvalResult r = EvalResult.ofScores(ProblemType.REGRESSION, 1.25, 4, regression);
        EvalResult back = roundTrip(r, ProblemType.REGRESSION);
        assertEquals(ProblemType.REGRESSION, back.problem());
        assertEquals(List.copyOf(r.toMap("dev").keySet()), List.copyOf(back.toMap("dev").keySet()));
        assertEquals(Double.NEGATIVE_INFINITY, back.score("pearson"), "an undefined correlation scores lowest after a resume too");
        assertEquals(-1.25, back.score("mse"));

        Map<String, Double> multi = Map.of("micro_f1", 0.5, "macro_f1", 0.25, "exact_match", 0.125);
        EvalResult m = EvalResult.ofScores(ProblemType.MULTI_LABEL, 0.3, 4, multi);
        EvalResult mBack = roundTrip(m, ProblemType.MULTI_LABEL);
        assertEquals(List.of("micro_f1", "macro_f1", "exact_match"), List.copyOf(mBack.metrics().keySet()));
        assertEquals(0.25, mBack.score("macro_f1"));
    }

    @Test
    void aRegressionResultWithSeveralOutputsReadsBackEachOutputsMetricsInOrder() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        String[] names = {"pearson", "spearman", "mse", "pearson_0", "spearman_0", "mse_0", "pearson_1", "spearman_1", "mse_1"};
        for (int i = 0; i < names.length; i++) metrics.put(names[i], i == 6 ? Double.NaN : 0.125 * (i + 1));
        EvalResult r = EvalResult.ofScores(ProblemType.REGRESSION, 0.75, 4, metrics);
        EvalResult back = roundTrip(r, ProblemType.REGRESSION);
        assertEquals(List.of(names), List.copyOf(back.metrics().keySet()), "a resumed run writes results.json as an uninterrupted one");
        assertEquals(Json.write(r.toMap("dev")), Json.write(back.toMap("dev")));
        assertEquals(2, back.outputs());
    }

    @Test
    void aFieldMissingForTheProblemTypeIsNamed() {
        EvalResult single = new EvalResult(0.5, 0.75, 0.625, 8, null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> roundTrip(single, ProblemType.REGRESSION));
        assertEquals("trainer_state.json: missing field 'dev_pearson'", e.getMessage());
    }
}
