package jtrain.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parsed Brown corpus. Sentences keep the original Brown tags; taggedSentences() gives the universal tags used
 * for the POS task. Every item carries its file's docId ("brown/ca01"), which is what splits use.
 */
public record BrownCorpus(List<BrownFile> files, Map<String, String> genres) {

    /** One corpus file: its id ("ca01"), genre name, and sentences with paragraph starts marked. */
    public record BrownFile(String id, String genre, List<Sentence> sentences) {
        public String docId() {
            return "brown/" + id;
        }
    }

    public record Sentence(List<String> words, List<String> tags, boolean paragraphStart) {}

    /** Each file as one document: detokenised sentences, paragraphs separated by a blank line. */
    public List<Document> documents() {
        List<Document> out = new ArrayList<>();
        for (BrownFile f : files) {
            StringBuilder sb = new StringBuilder();
            for (Sentence s : f.sentences()) {
                if (!sb.isEmpty()) sb.append(s.paragraphStart() ? "\n\n" : " ");
                sb.append(Detokenizer.join(s.words()));
            }
            out.add(new Document(f.docId(), "brown", sb.toString()));
        }
        return out;
    }

    /** POS tagging data: Brown tokens with universal tags. */
    public List<TaggedSentence> taggedSentences() {
        List<TaggedSentence> out = new ArrayList<>();
        for (BrownFile f : files)
            for (Sentence s : f.sentences())
                out.add(new TaggedSentence(f.docId(), s.words(), s.tags().stream().map(UniversalTags::map).toList()));
        return out;
    }

    /** Genre classification data: runs of n consecutive sentences of one file, labelled with the file's genre. */
    public List<TextExample> genrePassages(int sentencesPerPassage) {
        if (sentencesPerPassage < 1) throw new IllegalArgumentException("sentencesPerPassage must be >= 1");
        List<TextExample> out = new ArrayList<>();
        for (BrownFile f : files) {
            List<Sentence> ss = f.sentences();
            for (int i = 0; i < ss.size(); i += sentencesPerPassage) {
                StringBuilder sb = new StringBuilder();
                for (Sentence s : ss.subList(i, Math.min(ss.size(), i + sentencesPerPassage))) {
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.append(Detokenizer.join(s.words()));
                }
                out.add(new TextExample(f.docId(), sb.toString(), null, f.genre()));
            }
        }
        return out;
    }

    public long tokenCount() {
        long n = 0;
        for (BrownFile f : files) for (Sentence s : f.sentences()) n += s.words().size();
        return n;
    }
}
