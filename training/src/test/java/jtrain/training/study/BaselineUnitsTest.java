package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.training.baseline.BaselinesTest;
import jtrain.training.baseline.MostFrequentTag;
import jtrain.training.baseline.Predictions;
import jtrain.training.finetune.TaskExample;

/** The study resamples whole sentences: a tagging baseline's predictions must come in the order TestUnits counts words. */
class BaselineUnitsTest {
    @Test
    void mostFrequentTagScoresWordsInTheOrderTheBootstrapCountsThem() {
        List<TaskExample> train = List.of(BaselinesTest.sentence(new int[][] {{3}, {4}}, new int[] {0, 1}));
        List<TaskExample> test = List.of(BaselinesTest.sentence(new int[][] {{3}}, new int[] {0}),
                BaselinesTest.sentence(new int[][] {{4}, {3}}, new int[] {0, 0}));
        Predictions p = MostFrequentTag.fit(train, 2, BaselinesTest.SPECIAL).predict(test, BaselinesTest.SPECIAL);
        TestUnits.Accuracy units = (TestUnits.Accuracy) TestUnits.of("accuracy", test, p.asEvalResult(2), 2);
        assertArrayEquals(new int[] {1, 2}, units.scored());
        assertArrayEquals(new int[] {1, 1}, units.correct());
    }
}
