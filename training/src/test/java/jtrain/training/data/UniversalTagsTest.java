package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class UniversalTagsTest {
    private static void check(String universal, String... brown) {
        for (String b : brown) assertEquals(universal, UniversalTags.map(b), b);
    }

    @Test
    void plainTags() {
        check("NOUN", "nn", "nns", "np", "nps", "nr", "nn$", "nns$", "np$");
        check("VERB", "vb", "vbd", "vbg", "vbn", "vbz", "bez", "bedz", "hvd", "doz", "md");
        check("ADJ", "jj", "jjr", "jjt", "jjs", "od");
        check("ADV", "rb", "rbr", "ql", "wrb", "rn", "*");
        check("PRON", "pps", "ppss", "ppo", "pp$", "pp$$", "ppl", "pn", "wps", "wpo", "wp$");
        check("DET", "at", "dt", "dti", "dts", "ap", "abn", "abx", "wdt", "ex");
        check("ADP", "in");
        check("NUM", "cd");
        check("CONJ", "cc", "cs");
        check("PRT", "rp", "to");
        check(".", ".", ",", ":", "(", ")", "--", "``", "''", "'");
        check("X", "uh", "nil");
    }

    @Test
    void compoundTags() {
        check("NOUN", "nn-tl", "np-hl", "nns-tl-hl", "nn-nc", "NN-TL");
        check("VERB", "vbz-hl", "vbn-tl", "md*", "dod*", "bez*", "do*-hl", "vb+ppo", "md+hv");
        check("PRON", "ppss+bem", "pps+bez", "ppss+md", "ppss+ber-n");
        check("DET", "ex+bez", "dt+bez");
        check("ADV", "*-hl", "rb+bez");
        check("ADP", "in-tl", "in+ppo");
        check(".", ".-hl", "---hl", "(-hl");
    }

    @Test
    void foreignAndUnknown() {
        check("X", "fw-nn", "fw-in+at-tl", "fw-*", "fw-jj-tl", "zzz");
        assertTrue(UniversalTags.isKnown("fw-nn"));
        assertTrue(UniversalTags.isKnown("uh-tl"));
        assertFalse(UniversalTags.isKnown("zzz"));
        assertEquals(12, UniversalTags.TAGS.size());
    }
}
