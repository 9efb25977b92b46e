package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataInfoTest {
    @TempDir Path cache;

    @Test
    void anEmptyCacheSaysWhatToFetchInsteadOfAnEmptyCorpus() {
        var bytes = new ByteArrayOutputStream();
        DataInfo.print(DataCache.open(cache), 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1 + Datasets.ALL.size() + 1, lines.length, String.join("\n", lines));
        for (DatasetSpec s : Datasets.ALL) assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.equals(s.key() + " (" + s.npmSpec() + "): not fetched")).count(), s.key());
        assertEquals("pretraining corpus (brown + sotu + moby-dick): none of its datasets fetched (./trainer data fetch)",
                lines[lines.length - 1]);
    }
}
