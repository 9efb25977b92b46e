package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BrownTest {
    // Shaped like the real files: blank lines between sentences, a tab before a paragraph's first sentence.
    static final String CA01 = "\n\n\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at"
            + " investigation/nn of/in Atlanta's/np$ recent/jj primary/nn election/nn produced/vbd ``/`` no/at"
            + " evidence/nn ''/'' that/cs any/dti irregularities/nns took/vbd place/nn ./.\n\n\n"
            + "It/pps did/dod not/* say/vb 1/2/cd (/( or/cc more/ap )/) ./.\n\n\n"
            + "\tI'm/ppss+bem sure/jj ,/, he/pps said/vbd ;/. fine/jj ./.\n\n";

    @Test
    void parsesSentencesWordsTagsAndParagraphs() {
        List<BrownCorpus.Sentence> ss = Brown.parseFile(CA01, "ca01");
        assertEquals(3, ss.size());
        assertTrue(ss.get(0).paragraphStart());
        assertFalse(ss.get(1).paragraphStart());
        assertTrue(ss.get(2).paragraphStart());
        assertEquals("Atlanta's", ss.get(0).words().get(10));
        assertEquals("np$", ss.get(0).tags().get(10));
        assertEquals("1/2", ss.get(1).words().get(4)); // a word containing '/'
        assertEquals("cd", ss.get(1).tags().get(4));
    }

    @Test
    void badTokenNamesFileAndLine() {
        DataException e = assertThrows(DataException.class, () -> Brown.parseFile("\n\tok/at bad\n", "ca02"));
        assertTrue(e.getMessage().startsWith("ca02:2:"), e.getMessage());
    }

    @Test
    void catsMapFilesToGenres() {
        Map<String, String> g = Brown.parseCats("ca01 news\ncb01 editorial\n", "cats.txt");
        assertEquals("news", g.get("ca01"));
        assertEquals("editorial", g.get("cb01"));
        assertThrows(DataException.class, () -> Brown.parseCats("xx news\n", "cats.txt"));
    }

    @Test
    void documentsTaggedSentencesAndPassages() {
        BrownCorpus c = new BrownCorpus(List.of(new BrownCorpus.BrownFile("ca01", "news", Brown.parseFile(CA01, "x"))),
                Map.of("ca01", "news"));
        String text = c.documents().getFirst().text();
        assertEquals("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election"
                + " produced \"no evidence\" that any irregularities took place. It did not say 1/2 (or more)."
                + "\n\nI'm sure, he said; fine.", text);
        assertEquals("brown/ca01", c.documents().getFirst().id());

        TaggedSentence t = c.taggedSentences().get(1);
        assertEquals(List.of("PRON", "VERB", "ADV", "VERB", "NUM", ".", "CONJ", "DET", ".", "."), t.tags());

        List<TextExample> p = c.genrePassages(2);
        assertEquals(2, p.size());
        assertEquals("news", p.get(0).label());
        assertEquals("brown/ca01", p.get(1).docId());
        assertEquals("I'm sure, he said; fine.", p.get(1).text());
        assertEquals(25 + 10 + 8, c.tokenCount());
    }
}
