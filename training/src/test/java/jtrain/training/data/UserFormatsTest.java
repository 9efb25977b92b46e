package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserFormatsTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void assertFails(Function<Path, ?> reader, Path file, String expected) {
        DataException e = assertThrows(DataException.class, () -> reader.apply(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void plainTextLinesOrParagraphs() throws IOException {
        Path f = write("a.txt", "first doc\n\nsecond doc\nstill second\n\n\nthird\n");
        List<Document> lines = PlainTextFormat.read(f, false);
        assertEquals(4, lines.size());
        assertEquals("a.txt:3", lines.get(1).id());
        List<Document> paras = PlainTextFormat.read(f, true);
        assertEquals(3, paras.size());
        assertEquals("second doc\nstill second", paras.get(1).text());
        assertEquals("a.txt:7", paras.get(2).id());
    }

    @Test
    void jsonl() throws IOException {
        Path f = write("d.jsonl", """
                {"text": "good movie", "label": "pos"}

                {"text": "is it?", "text_b": "yes", "label": 1, "id": "q7"}
                {"text": "no label"}
                """);
        List<TextExample> ex = JsonlFormat.read(f);
        assertEquals(3, ex.size());
        assertEquals(new TextExample("d.jsonl:1", "good movie", null, "pos"), ex.get(0));
        assertEquals(new TextExample("q7", "is it?", "yes", "1"), ex.get(1));
        assertNull(ex.get(2).label());
    }

    @Test
    void jsonlErrorsNameFileAndLine() throws IOException {
        assertFails(JsonlFormat::read, write("b1.jsonl", "{\"text\": \"ok\"}\n  {\"text\": oops}\n"),
                ":2: malformed JSON: column 12: expected a value but found 'oops'");
        assertFails(JsonlFormat::read, write("b2.jsonl", "{\"text\": \"ok\"}\n\n{\"label\": \"x\"}\n"), ":3: missing \"text\"");
        assertFails(JsonlFormat::read, write("b3.jsonl", "[1, 2]\n"), ":1: malformed JSON: column 1: expected a JSON object at the top level but found an array");
        assertFails(JsonlFormat::read, write("b4.jsonl", "{\"text\": \"ok\", \"label\": {\"a\": 1}}\n"),
                ":1: \"label\" must be a string, a number or a list of strings, got {\"a\":1}");
        // Checked where labels are used (texts to predict may hold any label list, a regression file's numbers too).
        assertFails(f -> JsonlFormat.read(f, true), write("b5.jsonl", "{\"text\": \"ok\", \"label\": [\"a\", 1]}\n"),
                ":1: a \"label\" list must hold strings, got [\"a\",1]");
        assertFails(JsonlFormat::read, write("b5.jsonl", "{\"text\": 0.5}\n"), ":1: \"text\" must be a string, got 0.5");
    }

    @Test
    void jsonlTextsMustBeStrings() throws IOException {
        // A number where a text belongs is a column mix-up, not a text: refused wherever the file is read.
        assertFails(JsonlFormat::read, write("t1.jsonl", "{\"text\": 5, \"label\": \"a\"}\n"), ":1: \"text\" must be a string, got 5");
        assertFails(JsonlFormat::read, write("t2.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\", \"text_b\": 7}\n"),
                ":2: \"text_b\" must be a string, got 7");
        assertFails(JsonlFormat::read, write("t3.jsonl", "{\"text\": true}\n"), ":1: \"text\" must be a string, got true");
    }

    @Test
    void aBooleanLabelIsRefusedWhereLabelsAreUsed() throws IOException {
        Path f = write("bool.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n{\"text\": \"ok\", \"label\": true}\n");
        assertFails(file -> JsonlFormat.read(file, true), f,
                ":2: \"label\" must be a string, a number or a list of strings, got true (write \"true\" if it is the name of a class)");
        assertFails(file -> UserData.labelledExamples(file, LabelField.SET), f, ":2: \"label\" must be a string");
        assertEquals(2, JsonlFormat.read(f).size(), "texts to predict: their labels are not used");
        // Numbers stay labels as written, for classification and regression alike.
        Path numbers = write("num.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0.5}\n");
        assertEquals(List.of("1", "0.5"), JsonlFormat.read(numbers, true).stream().map(TextExample::label).toList());
        assertEquals(List.of("1", "0.5"), UserData.labelledExamples(numbers, LabelField.SCORE).stream().map(TextExample::label).toList());
        assertEquals(List.of("x", "y"), UserData.labelledExamples(write("set.jsonl", "{\"text\": \"a\", \"label\": [\"x\", \"y\"]}\n"),
                LabelField.SET).getFirst().multiLabels());
    }

    @Test
    void anEmptyTextInLabelledDataIsRefusedAsPredictRefusesIt() throws IOException {
        // An example with nothing to read would be trained on as [CLS] [SEP]; predict --input refuses the same line.
        assertFails(UserData::labelledExamples, write("e.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n\n{\"text\": \" \", \"label\": \"b\"}\n"),
                ":3: empty text");
        assertFails(UserData::labelledExamples, write("e.tsv", "sentence\tlabel\nok\t0\n\t1\n"), ":3: empty text");
        assertFails(f -> UserData.labelledExamples(f, LabelField.SCORE), write("e.csv", "text,score\n\"\",0.5\n"), ":2: empty text");
        Path toPredict = write("p.jsonl", "{\"text\": \"\"}\n");
        DataException e = assertThrows(DataException.class, () -> UserData.textsToLabel(toPredict).next());
        assertEquals(toPredict + ":1: empty text", e.getMessage());
    }

    @Test
    void tsvGlueStyle() throws IOException {
        Path f = write("train.tsv", "sentence\tlabel\nhide new secretions \"from\" the parental units \t0\nfunny\t1\n");
        List<TextExample> ex = DelimitedFormat.read(f);
        assertEquals(2, ex.size());
        assertEquals("hide new secretions \"from\" the parental units ", ex.get(0).text());
        assertEquals("0", ex.get(0).label());
        assertEquals("train.tsv:3", ex.get(1).docId());
        assertFails(DelimitedFormat::read, write("bad.tsv", "sentence\tlabel\nok\t1\nno label here\n"),
                ":3: 1 field, the header has 2");
        assertFails(DelimitedFormat::read, write("nohead.tsv", "foo\tbar\nx\ty\n"), ":1: header needs a text column");
        assertFails(DelimitedFormat::read, write("twice.tsv", "sentence\tlabel\tLabel\nok\t1\t0\n"),
                ":1: the header has two \"label\" columns (2 and 3): which one to read is not clear");
    }

    @Test
    void csvWithQuotes() throws IOException {
        Path f = write("pairs.csv", "id,sentence1,sentence2,label\n"
                + "1,\"Hello, world\",\"She said \"\"hi\"\"\",yes\r\n"
                + "2,\"two\nlines\",plain,no\n"
                + "3,last,row,\"\"");
        List<TextExample> ex = DelimitedFormat.read(f);
        assertEquals(3, ex.size());
        assertEquals(new TextExample("pairs.csv:2", "Hello, world", "She said \"hi\"", "yes"), ex.get(0));
        assertEquals("two\nlines", ex.get(1).text());
        assertEquals("pairs.csv:5", ex.get(2).docId()); // the quoted newline moves the line count on
        assertEquals("", ex.get(2).label());
        assertFails(DelimitedFormat::read, write("open.csv", "text,label\n\"never closed,1\n"), ":2: quoted field is not closed");
        assertFails(DelimitedFormat::read, write("junk.csv", "text,label\n\"a\"b,1\n"), ":2: text after a closing quote");
    }

    @Test
    void conll() throws IOException {
        Path f = write("ner.conll", "# sent 1\nJohn\tB-PER\nlives\tO\n\n\nParis\tNNP\tB-LOC\n");
        List<TaggedSentence> s = ConllFormat.read(f);
        assertEquals(2, s.size());
        assertEquals(List.of("John", "lives"), s.get(0).tokens());
        assertEquals(List.of("B-PER", "O"), s.get(0).tags());
        assertEquals(List.of("B-LOC"), s.get(1).tags());
        assertEquals("ner.conll:6", s.get(1).docId());
        assertFails(ConllFormat::read, write("bad.conll", "a\tX\nb X\n"), ":2: expected token<TAB>tag");
    }

    @Test
    void conll2003SeparatesColumnsBySpacesAndHasDocumentBreaks() throws IOException {
        // The CoNLL-2003 layout: word, POS, chunk, NER tag separated by single spaces; -DOCSTART- between documents.
        Path f = write("eng.train", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n-DOCSTART- -X- -X- O\n\n"
                + "Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n");
        List<TaggedSentence> s = ConllFormat.read(f);
        assertEquals(2, s.size());
        assertEquals(List.of("EU", "rejects"), s.get(0).tokens());
        assertEquals(List.of("B-ORG", "O"), s.get(0).tags());
        assertEquals(List.of("B-PER", "I-PER"), s.get(1).tags());
        assertEquals("eng.train:3", s.get(0).docId());
        // Tab-separated files keep DOCSTART out too; a space-separated line with no tag is named.
        assertEquals(1, ConllFormat.read(write("t.conll", "-DOCSTART-\tO\n\nEU\tB-ORG\n")).size());
        assertFails(ConllFormat::read, write("notag.conll", "EU B-ORG\nrejects\n"), ":2: expected a token and its tag separated by spaces");
    }

    @Test
    void theWordHashInASpaceSeparatedFileIsATokenWhileCommentsStayComments() throws IOException {
        // No tab tells "# SYM O" (the word '#', its POS, its tag) from a comment: a "#" line is a token line when it
        // has as many columns as the file's other token lines and ends in a tag they use. CoNLL-U style comments
        // and notes have another column count, or (as "# sent_id = 1" below, four columns) end in no tag.
        Path f = write("hash.conll", "# sent_id = 1\n# text = Call # 5 now\nCall VB O\n# SYM O\n5 CD B-NUM\nnow RB O\n\n"
                + "# a note\n#hashtag NN O\nrocks VBZ O\n");
        List<TaggedSentence> s = ConllFormat.read(f);
        assertEquals(List.of("Call", "#", "5", "now"), s.get(0).tokens());
        assertEquals(List.of("O", "O", "B-NUM", "O"), s.get(0).tags());
        assertEquals("hash.conll:3", s.get(0).docId(), "the comments before the sentence are not part of it");
        assertEquals(List.of("#hashtag", "rocks"), s.get(1).tokens());

        Path conll2003 = write("eng.conll", "# sent_id = 1\nEU NNP B-NP B-ORG\n# # I-NP O\nrejects VBZ B-VP O\n");
        assertEquals(List.of("EU", "#", "rejects"), ConllFormat.read(conll2003).getFirst().tokens());

        // Text to tag holds words alone: a lone "#" (or "#hashtag") is a word, a longer "#" line a comment.
        List<Numbered<TaggedSentence>> words = ConllFormat.readNumbered(write("words.conll", "# to tag\n#\nhello\n"), false);
        assertEquals(List.of("#", "hello"), words.getFirst().value().tokens());

        // With tabs the tab decides: "#<TAB>SYM" is a token line, "# note" (no tab) a comment.
        assertEquals(List.of("#", "x"), ConllFormat.read(write("t.conll", "# note\n#\tSYM\nx\tN\n")).getFirst().tokens());
    }

    @Test
    void conlluTakesFormAndUposAndSkipsMultiwordTokensAndEmptyNodes() throws IOException {
        String ud = "# sent_id = 1\n# text = I can't\tgo.\n"
                + "1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n"
                + "2-3\tcan't\t_\t_\t_\t_\t_\t_\t_\t_\n"
                + "2\tca\tcan\tAUX\tMD\t_\t4\taux\t_\t_\n"
                + "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n"
                + "3.1\tgo\tgo\tVERB\tVB\t_\t_\t_\t_\t_\n"
                + "4\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n";
        for (String name : List.of("en.conllu", "en.conll")) { // by its name, or by its first word line
            List<TaggedSentence> s = ConllFormat.read(write(name, ud));
            assertEquals(1, s.size());
            assertEquals(List.of("I", "ca", "n't", "go"), s.get(0).tokens());
            assertEquals(List.of("PRON", "AUX", "PART", "VERB"), s.get(0).tags());
            assertEquals(name + ":3", s.get(0).docId());
        }
        assertFails(ConllFormat::read, write("short.conllu", "1\tI\tPRON\n"), ":1: CoNLL-U needs 10 tab-separated columns");
        assertFails(ConllFormat::read, write("noupos.conllu", "1\tI\tI\t_\t_\t_\t0\troot\t_\t_\n"),
                ":1: CoNLL-U word without FORM or UPOS");
    }

    @Test
    void missingEmptyAndNonUtf8Files() throws IOException {
        assertFails(JsonlFormat::read, dir.resolve("nope.jsonl"), "no such file");
        assertFails(ConllFormat::read, write("blank.conll", "\n  \n"), "blank.conll: only blank lines");
        assertFails(ConllFormat::read, write("empty.conll", ""), "empty.conll: empty file");
        assertFails(DelimitedFormat::read, write("mac.tsv", "sentence\tlabel\rthe whale\tsea\rthe horse\tland\r"),
                "mac.tsv: its lines end with a carriage return alone (classic Mac OS line breaks); convert them to newlines, "
                        + "e.g. tr '\\r' '\\n' < mac.tsv > fixed.tsv");
        Path latin1 = Files.write(dir.resolve("latin1.tsv"),
                "sentence\tlabel\ncaf\u00e9\t1\n".getBytes(StandardCharsets.ISO_8859_1));
        assertFails(DelimitedFormat::read, latin1, ":2: not valid UTF-8");
        Path bom = Files.write(dir.resolve("bom.txt"), "\uFEFFhello\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello", PlainTextFormat.read(bom, false).getFirst().text());
    }

    @Test
    void recordsReadOneAtATimeSplitLinesAndReportBadBytesAsTheWholeFileIsRead() throws IOException {
        // The line by line reader (predict --input) keeps the whole-file reader's rules: a byte-order mark is no
        // text, "\r\n" ends a line but a lone "\r" does not, and a file need not end in a newline.
        Path f = Files.write(dir.resolve("crlf.txt"), "\uFEFFfirst\r\n\r\nsecond\rstill\nlast".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new Numbered<>(1, "first"), new Numbered<>(3, "second\rstill"), new Numbered<>(4, "last")),
                PlainTextFormat.nonBlankLines(f));
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "ok\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        String whole = assertThrows(DataException.class, () -> PlainTextFormat.read(latin1, false)).getMessage();
        assertEquals(latin1 + ":2: not valid UTF-8 (bad byte at offset 6); convert the file to UTF-8", whole);
        assertEquals(whole, assertThrows(DataException.class, () -> PlainTextFormat.nonBlankLines(latin1)).getMessage());
    }

    @Test
    void userDataPicksTheReaderByExtension() throws IOException {
        assertEquals("pos", UserData.examples(write("x.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n"))
                .getFirst().label());
        assertEquals("1", UserData.examples(write("x.csv", "text,label\nhi,1\n")).getFirst().label());
        assertEquals(List.of("N"), UserData.tagged(write("x.conll", "dog\tN\n")).getFirst().tags());
        assertEquals(2, UserData.documents(write("x.txt", "a\n\nb\n"), true).size());
        assertFails(UserData::examples, write("x.xml", "<a/>"), "unknown format '.xml'");
    }

    @Test
    void unlabeledDocumentsFromLabelledFormatsHoldOnlyTheirText() throws IOException {
        // Pretraining and tokenizer training read these files too: labels, tags, ids and other columns stay out.
        assertEquals(List.of(new Document("p.tsv:2", "p.tsv", "a whale\nthe sea"), new Document("p.tsv:3", "p.tsv", "a cart\nthe road")),
                UserData.documents(write("p.tsv", "idx\tsentence1\tsentence2\tlabel\n7\ta whale\tthe sea\tentail\n8\ta cart\tthe road\tneutral\n"), true));
        assertEquals(List.of(new Document("q.csv:2", "q.csv", "hello, world"), new Document("q.csv:3", "q.csv", "bye")),
                UserData.documents(write("q.csv", "label,text\nspam,\"hello, world\"\nham,bye\n"), true));
        assertEquals(List.of(new Document("doc-1", "r.jsonl", "first"), new Document("r.jsonl:2", "r.jsonl", "second\nits pair")),
                UserData.documents(write("r.jsonl", "{\"id\": \"doc-1\", \"text\": \"first\", \"label\": \"LABEL_ONLY\"}\n"
                        + "{\"text\": \"second\", \"text_b\": \"its pair\"}\n"), true));
        assertEquals(List.of(new Document("s.conll:1", "s.conll", "the whale dived"), new Document("s.conll:5", "s.conll", "call me")),
                UserData.documents(write("s.conll", "the\tDET\nwhale\tNOUN\ndived\tVERB\n\ncall\tVERB\nme\tPRON\n"), true));
        // A file that is not what its extension says gets the reader's error, not a vocabulary of column names.
        assertFails(f -> UserData.documents(f, true), write("plain.tsv", "just\twords\n"), ":1: header needs a text column");
    }
}
