package jtrain.training.pretrain;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.training.data.Document;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.WordPieceTrainer;

class PackingTest {
    @Test
    void documentsAreJoinedWithSepAndCutIntoFullBlocks() {
        List<int[]> seqs = Packing.pack(List.of(new int[] {10, 11, 12}, new int[] {20, 21, 22, 23}), 6, 2, 3, 3);
        assertArrayEquals(new int[] {2, 10, 11, 12, 3, 3}, seqs.get(0));
        assertArrayEquals(new int[] {2, 20, 21, 22, 23, 3}, seqs.get(1));
        assertEquals(2, seqs.size());
    }

    @Test
    void aShortTailBelowTheMinimumIsDropped() {
        assertEquals(1, Packing.pack(List.of(new int[] {1, 1, 1, 1, 1}), 6, 2, 3, 4).size());
        assertEquals(2, Packing.pack(List.of(new int[] {1, 1, 1, 1, 1, 1}), 6, 2, 3, 4).size());
    }

    @Test
    void plainTextsPackLikeDocumentsWithTheSameText() {
        List<String> texts = List.of("the whale sees the ship", "", "the horse pulls the cart. the barn is red", "a sail");
        BertTokenizer tok = new WordPieceTrainer().vocabSize(60).minFrequency(1).train(texts);
        List<int[]> fromTexts = Packing.packTexts(tok, texts, 8);
        List<int[]> fromDocs = Packing.packDocuments(tok, texts.stream().map(t -> new Document("d", "test", t)).toList(), 8);
        assertEquals(fromDocs.size(), fromTexts.size());
        assertTrue(fromTexts.size() >= 2, "several blocks of 8");
        for (int i = 0; i < fromDocs.size(); i++) assertArrayEquals(fromDocs.get(i), fromTexts.get(i));
    }
}
