package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our normaliser and pre-tokenizer against HuggingFace tokenizers itself, run in Python, on every Unicode code point
 * (scripts/tokenizer-crosscheck.sh compares whole encodings of texts). Skipped with a message where Python cannot
 * import tokenizers; -Djtrain.python=PATH picks the interpreter (default python3; `./trainer test` passes the one
 * scripts/tokenizers-venv.sh sets up). A
 * failure lists the code points that differ and the hf-unicode-exceptions.txt line that would make each agree
 * (HfUnicodeTable regenerates the whole table from the probe's output).
 */
class HfUnicodeParityTest {
    static final String PYTHON = System.getProperty("jtrain.python", "python3");

    @BeforeAll
    static void needsTokenizers() {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import tokenizers").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            ok = false;
        }
        assumeTrue(ok, "skipped: " + PYTHON + " cannot import HuggingFace tokenizers (pip install tokenizers)");
    }

    @Test
    void everyCodePointIsNormalizedAndSplitAsInHuggingFace(@TempDir Path dir) throws Exception {
        Path probe = dir.resolve("probe.tsv");
        python("hf_unicode_probe.py", probe.toString());
        BertNormalizer[] normalizers = {new BertNormalizer(true, true, true, true), new BertNormalizer(true, true, false, false)};
        List<String> differences = new ArrayList<>();
        int lines = 0;
        try (BufferedReader in = Files.newBufferedReader(probe)) {
            for (String line; (line = in.readLine()) != null; lines++) {
                int c = Integer.parseInt(line.substring(0, line.indexOf('\t')));
                StringBuilder ours = new StringBuilder().append(c);
                for (BertNormalizer n : normalizers) {
                    String text = n.normalize("a" + Character.toString(c) + "b");
                    List<String> hex = new ArrayList<>(), lengths = new ArrayList<>();
                    text.codePoints().forEach(x -> hex.add(Integer.toHexString(x).toUpperCase()));
                    for (String word : PreTokenizer.split(text)) lengths.add(String.valueOf(word.codePointCount(0, word.length())));
                    ours.append('\t').append(String.join(" ", hex)).append('\t').append(String.join("|", lengths));
                }
                if (!ours.toString().equals(line) && differences.size() < 20) {
                    List<String> fix = new ArrayList<>();
                    HfUnicodeTable.classify(line, fix);
                    differences.add(String.format("U+%04X HF %s, ours %s; table line(s) %s", c, line, ours, fix));
                }
            }
        }
        assertTrue(lines > 1_100_000, "the probe wrote only " + lines + " lines");
        assertEquals(List.of(), differences, "code points where we differ from HF");
    }

    private static void python(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, Path.of(HfUnicodeParityTest.class.getResource("/hf/" + script).toURI()).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), script + " timed out");
        assertEquals(0, p.exitValue(), script + " failed: " + output);
    }
}
