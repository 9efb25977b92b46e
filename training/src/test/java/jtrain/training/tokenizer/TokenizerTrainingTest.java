package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learning a WordPiece vocabulary from text, and saving it in the HuggingFace layout. */
class TokenizerTrainingTest {

    /**
     * A reproducible corpus of made-up words with a Zipf-like frequency, so that frequent words are worth whole
     * tokens and rare words must be built from pieces. "whale" is among the most frequent.
     */
    static List<String> corpus(int lines, long seed) {
        return corpus(lines, 3000, seed);
    }

    static List<String> corpus(int lines, int distinctWords, long seed) {
        Random rnd = new Random(seed);
        String[] syllables = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "qu", "ab", "or", "in", "el"};
        List<String> words = new ArrayList<>(List.of("whale", "the", "ship", "sea"));
        while (words.size() < distinctWords) {
            StringBuilder w = new StringBuilder();
            for (int s = 1 + rnd.nextInt(5); s > 0; s--) w.append(syllables[rnd.nextInt(syllables.length)]);
            words.add(w.toString());
        }
        List<String> texts = new ArrayList<>(lines);
        for (int l = 0; l < lines; l++) {
            StringBuilder t = new StringBuilder();
            for (int k = 0; k < 12; k++) {
                int rank = (int) Math.floor(Math.pow(words.size(), rnd.nextDouble())) - 1; // rank r with p ~ 1/r
                t.append(k == 0 ? "" : " ").append(rank == 0 && k == 0 ? "Whale" : words.get(rank));
                if (rnd.nextInt(10) == 0) t.append(rnd.nextBoolean() ? "," : ".");
            }
            texts.add(t.toString());
        }
        return texts;
    }

    @Test
    void specialTokensComeFirstThenTheAlphabet() {
        BertTokenizer tok = new WordPieceTrainer().vocabSize(300).train(corpus(2000, 1));
        Vocab v = tok.vocab();
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), v.tokens().subList(0, 5));
        // Then every character of the (lowercased) corpus in code point order, starting with the punctuation.
        assertEquals(List.of(",", ".", "a", "b"), v.tokens().subList(5, 9));
        for (String piece : List.of("w", "h", "##h", "##a", "##l", "##e")) assertTrue(v.contains(piece), piece);
        assertTrue(!v.contains("W"), "text is lowercased before training");
    }

    @Test
    void vocabularyGrowsToTheRequestedSizeAndFrequentWordsBecomeOneToken() {
        BertTokenizer tok = new WordPieceTrainer().vocabSize(400).train(corpus(2000, 2));
        assertEquals(400, tok.vocab().size());
        assertEquals(List.of("whale", "the", "ship", "."), tok.tokenize("Whale the ship."));
        // A word never seen is still covered by smaller pieces, never [UNK] when its characters are known.
        List<String> pieces = tok.tokenize("kalominezeta");
        assertTrue(pieces.size() > 1 && !pieces.contains("[UNK]"), pieces.toString());
        assertTrue(pieces.stream().skip(1).allMatch(p -> p.startsWith("##")), pieces.toString());
    }

    @Test
    void minimumFrequencyStopsMergingRarePairs() {
        List<String> texts = List.of("abab cd", "abab");
        // "ab" (count 4) and "##ab" pairs occur often enough; "cd" occurs once and stays as c ##d.
        BertTokenizer tok = new WordPieceTrainer().vocabSize(100).minFrequency(2).train(texts);
        assertTrue(tok.vocab().contains("ab"));
        assertTrue(!tok.vocab().contains("cd"));
        assertEquals(List.of("c", "##d"), tok.tokenize("cd"));
    }

    @Test
    void savedTokenizerLoadsBackAndEncodesIdentically(@TempDir Path dir) {
        List<String> texts = corpus(1500, 3);
        BertTokenizer trained = new WordPieceTrainer().vocabSize(350).train(texts);
        TokenizerFiles.save(trained, dir);
        for (String f : List.of("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"))
            assertTrue(dir.resolve(f).toFile().isFile(), f);
        BertTokenizer fromJson = TokenizerFiles.load(dir);
        BertTokenizer fromVocab = TokenizerFiles.loadVocabTxt(dir.resolve("vocab.txt"));
        assertEquals(trained.vocab().tokens(), fromJson.vocab().tokens());
        for (String t : texts.subList(0, 200)) {
            Encoding expected = trained.encode(t, "the Whale, again", EncodeOptions.DEFAULT);
            assertEquals(expected, fromJson.encode(t, "the Whale, again", EncodeOptions.DEFAULT), t);
            assertEquals(expected, fromVocab.encode(t, "the Whale, again", EncodeOptions.DEFAULT), t);
        }
    }

    /**
     * The incremental pair bookkeeping must choose exactly the merges of the plain algorithm that recounts every
     * pair before each merge (highest count, ties to the smaller pair of ids).
     */
    @Test
    void incrementalMergesEqualRecountingFromScratch() {
        for (long seed = 10; seed < 13; seed++) {
            List<String> texts = corpus(300, 400, seed);
            texts.add("aaaa aaa abab ababab"); // overlapping pairs
            WordPieceTrainer trainer = new WordPieceTrainer().vocabSize(500).minFrequency(2);
            Vocab fast = trainer.trainVocab(trainer.countWords(texts));
            assertEquals(500, fast.size(), "enough merges to make the comparison meaningful");
            assertEquals(naiveVocab(trainer.countWords(texts), 500, 2), fast.tokens(), "seed " + seed);
        }
    }

    /** The textbook merge loop, slow but obviously right. */
    static List<String> naiveVocab(java.util.Map<String, Long> wordCounts, int size, long minFrequency) {
        List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        new java.util.TreeSet<>(wordCounts.keySet().stream().flatMap(w -> w.codePoints().mapToObj(Character::toString)).toList())
                .forEach(vocab::add);
        List<List<Integer>> words = new ArrayList<>();
        for (String w : wordCounts.keySet()) {
            List<Integer> syms = new ArrayList<>();
            int[] cps = w.codePoints().toArray();
            for (int i = 0; i < cps.length; i++) {
                String s = (i == 0 ? "" : "##") + Character.toString(cps[i]);
                if (!vocab.contains(s)) vocab.add(s);
                syms.add(vocab.indexOf(s));
            }
            words.add(syms);
        }
        List<Long> counts = new ArrayList<>(wordCounts.values());
        while (vocab.size() < size) {
            java.util.Map<List<Integer>, Long> pairs = new java.util.HashMap<>();
            for (int w = 0; w < words.size(); w++)
                for (int i = 0; i + 1 < words.get(w).size(); i++)
                    pairs.merge(List.of(words.get(w).get(i), words.get(w).get(i + 1)), counts.get(w), Long::sum);
            List<Integer> best = null;
            long bestCount = 0;
            for (var e : pairs.entrySet()) {
                List<Integer> p = e.getKey();
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && best != null && (p.get(0) < best.get(0)
                        || (p.get(0).equals(best.get(0)) && p.get(1) < best.get(1))))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < minFrequency) break;
            String merged = vocab.get(best.get(0)) + vocab.get(best.get(1)).replaceFirst("^##", "");
            if (!vocab.contains(merged)) vocab.add(merged);
            int id = vocab.indexOf(merged);
            for (List<Integer> syms : words)
                for (int i = 0; i + 1 < syms.size(); i++)
                    if (syms.get(i).equals(best.get(0)) && syms.get(i + 1).equals(best.get(1))) {
                        syms.set(i, id);
                        syms.remove(i + 1);
                    }
        }
        return vocab;
    }

    /** About 2 MB of text: word counting plus incremental merges keep this to a few seconds. */
    @Test
    void trainsOnMegabytesOfText() {
        List<String> texts = corpus(30000, 200_000, 4);
        long chars = texts.stream().mapToLong(String::length).sum();
        assertTrue(chars > 1_800_000, "corpus has " + chars + " chars");
        BertTokenizer tok = new WordPieceTrainer().vocabSize(8000).train(texts);
        assertEquals(8000, tok.vocab().size());
    }
    /**
     * Chinese text: 1,500 characters, each a word of its own (CJK spacing), the first 300 ten times as frequent. As
     * HF's BertWordPieceTokenizer.train, the alphabet keeps the 1000 most frequent by default and the others become
     * [UNK]; alphabetOf says how much of the text that is, and limitAlphabet lifts the limit.
     */
    @Test
    void theAlphabetKeepsTheMostFrequentCharactersUpToItsLimit() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1500; i++) text.append(Character.toString(0x4E00 + i).repeat(i < 300 ? 10 : 1));
        List<String> texts = List.of(text.toString());
        String rare = Character.toString(0x4E00 + 1499);

        WordPieceTrainer byDefault = new WordPieceTrainer().vocabSize(100);
        var words = byDefault.countWords(texts);
        assertEquals(new WordPieceTrainer.Alphabet(1500, 1000, 4200, 3700), byDefault.alphabetOf(words));
        BertTokenizer cut = byDefault.trainFromCounts(words);
        assertEquals(1005, cut.vocab().size(), "the 5 special tokens and 1000 characters");
        assertEquals(List.of("[UNK]"), cut.tokenize(rare));

        WordPieceTrainer whole = new WordPieceTrainer().vocabSize(100).limitAlphabet(2000);
        assertFalse(whole.alphabetOf(whole.countWords(texts)).cut());
        assertEquals(List.of(rare), whole.train(texts).tokenize(rare));
    }
}
