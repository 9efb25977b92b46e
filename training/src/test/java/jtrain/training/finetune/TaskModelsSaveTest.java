package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Rng;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.Vocab;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForSequenceClassification;

/** A fine-tuned model is saved whole or not at all, and a failed save names the folder the user asked for. */
class TaskModelsSaveTest {
    @TempDir
    Path tmp;

    private static final List<String> TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "sea", "land");

    private static BertForSequenceClassification model(long seed) {
        BertConfig config = BertConfig.of(TOKENS.size(), 1, 8, 2, 16).withMaxPositions(8).withLabels(List.of("land", "sea"));
        return new BertForSequenceClassification(config, new Rng(seed), new Rng(seed + 1));
    }

    @Test
    void savingOverAModelReplacesItWhole() throws IOException {
        Path dir = tmp.resolve("model");
        BertTokenizer tokenizer = new BertTokenizer(new Vocab(TOKENS));
        TaskModels.save(model(1), tokenizer, dir);
        byte[] first = Files.readAllBytes(dir.resolve("model.safetensors"));
        TaskModels.save(model(7), tokenizer, dir);
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(dir.resolve("model.safetensors"))));
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(dir), left.toList(), "no hidden .tmp or .old folder is left beside it");
        }
    }

    @Test
    void aFailedSaveNamesTheFolderAskedForNotItsHiddenTemporaryFolder() throws IOException {
        Path notAFolder = Files.writeString(tmp.resolve("notes.txt"), "a file where a folder should be");
        Path dir = notAFolder.resolve("model");
        IOException e = assertThrows(IOException.class,
                () -> TaskModels.save(model(1), new BertTokenizer(new Vocab(TOKENS)), dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertFalse(e.getMessage().contains(".tmp-"), e.getMessage());
    }
}
