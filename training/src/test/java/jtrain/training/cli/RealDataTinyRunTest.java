package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;
import jtrain.training.data.Brown;
import jtrain.training.data.DataCache;
import jtrain.training.data.Datasets;
import jtrain.training.data.Document;

/**
 * The whole path on small slices of the real data, in well under a minute: MLM pretraining on forty Brown documents,
 * then POS tagging (2% of the labels) and spam detection (5%) fine-tuned from that checkpoint and scored on the real
 * dev and test splits. Skipped when the datasets are not in the cache (./trainer data fetch; .ci/run fetches them).
 */
class RealDataTinyRunTest {
    @TempDir
    Path tmp;

    @Test
    void pretrainThenFineTuneTwoTasksOnRealData() throws IOException {
        DataCache cache = DataCache.open(DataCache.defaultRoot(null));
        assumeTrue(cache.isInstalled(Datasets.BROWN) && cache.isInstalled(Datasets.SPAM_ASSASSIN),
                "skipped: Brown and SpamAssassin are not in " + cache.root() + " (run ./trainer data fetch)");

        List<Document> docs = Brown.load(cache).documents().subList(0, 40);
        Path corpus = Files.writeString(tmp.resolve("brown-slice.txt"),
                String.join("\n", docs.stream().map(d -> d.text().replace('\n', ' ')).toList()) + "\n");
        Path run = tmp.resolve("pretrain");
        var pre = FinetuneCommandTest.run((o, e) -> PretrainCommand.run(new String[] {"--data", corpus.toString(), "--model", "2,64,2,128",
                "--max-len", "64", "--batch", "16", "--steps", "40", "--lr", "1e-3", "--vocab-size", "2000", "--eval-every", "20",
                "--save-every", "40", "--out", run.toString()}, o, e));
        assertEquals(0, pre.code(), pre.err());
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        double first = lossOf(metrics.getFirst()), last = lossOf(metrics.stream().filter(l -> l.contains("\"loss\"")).toList().getLast());
        assertTrue(last < first, "MLM training loss falls on real text: " + first + " -> " + last);
        Path init = run.resolve("checkpoints/step-40");

        Map<String, Object> pos = fineTune(init, "pos", "0.02");
        // 12 universal tags; always answering the most frequent (NOUN) scores about 0.27.
        assertTrue(number(pos, "test_accuracy") > 0.35, "POS tagging learns beyond the majority tag: " + pos);
        Map<String, Object> spam = fineTune(init, "spam", "0.05");
        assertTrue(number(spam, "test_scored") > 500, "spam is scored on the real test split: " + spam);
        assertTrue(number(spam, "test_accuracy") > 0.5, "better than a coin: " + spam);
    }

    Map<String, Object> fineTune(Path init, String task, String fraction) throws IOException {
        Path out = tmp.resolve(task);
        var r = FinetuneCommandTest.finetune("--task", task, "--init", init.toString(), "--label-fraction", fraction,
                "--max-len", "64", "--batch", "16", "--steps", "40", "--eval-every", "40", "--lr", "2e-3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        return Json.parseObject(Files.readString(out.resolve("results.json")), "results.json");
    }

    static double lossOf(String metricsLine) {
        return number(Json.parseObject(metricsLine, "metrics.jsonl"), "loss");
    }

    static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
