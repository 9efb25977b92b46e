package jtrain.training.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jtrain.training.data.Brown;
import jtrain.training.data.BrownCorpus;
import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.LabelField;
import jtrain.training.data.SpamAssassin;
import jtrain.training.data.Split;
import jtrain.training.data.Splits;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;
import jtrain.training.data.UserData;
import jtrain.transformer.ProblemType;

/**
 * The labelled data of a task, by split: built-in tasks (pos, genre: Brown; spam: SpamAssassin) split by document
 * with {@link Splits}, or user files for "seq" (texts) and "tok" (tagged words). Exactly one of texts/tagged is set.
 */
public record TaskData(String task, TaskKind kind, Map<Split, List<TextExample>> texts, Map<Split, List<TaggedSentence>> tagged) {

    public static final List<String> TASKS = List.of("pos", "genre", "spam", "seq", "tok");

    /** User files; any may be null (then that split is empty; fine-tuning needs train and dev). */
    public record Files(Path train, Path dev, Path test) {}

    public static TaskData load(String task, DataCache cache, Files files, long splitSeed) {
        return load(task, cache, files, splitSeed, ProblemType.SINGLE_LABEL);
    }

    /** problem: how the labels of "seq" files are read (a regression .tsv may name its column "score"; see {@link LabelField}). */
    public static TaskData load(String task, DataCache cache, Files files, long splitSeed, ProblemType problem) {
        return load(task, cache, files, splitSeed, problem, 0);
    }

    /**
     * outputs: for regression "seq" files, the numbers every example must give (a saved model's outputs), or 0 for as
     * many as the first training example gives (see {@link RegressionFiles}).
     */
    public static TaskData load(String task, DataCache cache, Files files, long splitSeed, ProblemType problem, int outputs) {
        LabelField labelField = switch (problem) {
            case SINGLE_LABEL -> LabelField.ONE;
            case REGRESSION -> LabelField.SCORE;
            case MULTI_LABEL -> LabelField.SET;
        };
        boolean builtIn = List.of("pos", "genre", "spam").contains(task);
        if (builtIn && files != null && (files.train() != null || files.dev() != null || files.test() != null)) {
            throw new IllegalArgumentException("--task " + task + " reads its own data (" + (task.equals("spam") ? "SpamAssassin" : "the Brown corpus")
                    + "): data files (--train, --dev, --test) are for --task seq or tok");
        }
        return switch (task) {
            case "pos" -> ofTagged(task, Splits.partition(brown(cache).taggedSentences(), TaggedSentence::docId, splitSeed));
            case "genre" -> ofTexts(task, Splits.partition(brown(cache).genrePassages(Brown.DEFAULT_PASSAGE_SENTENCES), TextExample::docId, splitSeed));
            case "spam" -> ofTexts(task, Splits.partition(SpamAssassin.examples(SpamAssassin.deduplicated(SpamAssassin.load(cache))), TextExample::docId, splitSeed));
            case "seq" -> ofTexts(task, problem == ProblemType.REGRESSION ? RegressionFiles.read(files, outputs)
                    : userSplits(files, file -> UserData.labelledExamples(file, labelField)));
            case "tok" -> ofTagged(task, userSplits(files, UserData::tagged));
            default -> throw unknown(task);
        };
    }

    /** Refuses a task name that is not one of {@link #TASKS}: a command checks it before its other options. */
    public static void requireKnown(String task) {
        if (!TASKS.contains(task)) throw unknown(task);
    }

    private static IllegalArgumentException unknown(String task) {
        return new IllegalArgumentException("unknown task '" + task + "' (expected " + String.join(", ", TASKS) + ")");
    }

    /** Labelled texts by split; a split left out of the map has no examples (an application may have no test set). */
    public static TaskData ofTexts(String task, Map<Split, List<TextExample>> bySplit) {
        return new TaskData(task, TaskKind.SEQUENCE, everySplit(bySplit), null);
    }

    /** Tagged sentences by split; a split left out of the map has none. */
    public static TaskData ofTagged(String task, Map<Split, List<TaggedSentence>> bySplit) {
        return new TaskData(task, TaskKind.TOKEN, null, everySplit(bySplit));
    }

    private static <T> Map<Split, List<T>> everySplit(Map<Split, List<T>> bySplit) {
        Map<Split, List<T>> m = new EnumMap<>(Split.class);
        for (Split s : Split.values()) m.put(s, bySplit.getOrDefault(s, List.of()));
        return m;
    }

    public int size(Split s) {
        return kind == TaskKind.SEQUENCE ? texts.get(s).size() : tagged.get(s).size();
    }

    /**
     * The label vocabulary, from every training example, also those a label fraction leaves out: the task's label set
     * is known in advance, and a rare label missing from a small labelled sample must not make dev data unusable.
     */
    public LabelVocab labelVocab() {
        List<String> all = new ArrayList<>();
        if (kind == TaskKind.SEQUENCE) {
            for (TextExample e : texts.get(Split.TRAIN)) {
                if (e.labelList() != null) {
                    throw new DataException(e.docId() + ": \"label\" is a list; fine-tune with --problem multi_label to give an example several labels");
                }
                all.add(e.label());
            }
        }
        else tagged.get(Split.TRAIN).forEach(s -> all.addAll(s.tags()));
        return LabelVocab.of(all, task + " training data");
    }

    /**
     * The outputs of a sequence model for a problem type: single-label, {@link #labelVocab()}; regression, one output
     * per number of the first training example, named LABEL_0, LABEL_1... as HF names them; multi-label, every label of
     * the training examples, sorted (at least one).
     */
    public LabelVocab labelVocab(ProblemType problem) {
        if (problem == ProblemType.SINGLE_LABEL) return labelVocab();
        if (kind != TaskKind.SEQUENCE) throw new IllegalArgumentException(problem.hfName + " is for sequence tasks; task " + task + " tags tokens");
        if (problem == ProblemType.REGRESSION) {
            if (texts.get(Split.TRAIN).isEmpty()) throw new DataException(task + " training data: no examples");
            int outputs = texts.get(Split.TRAIN).getFirst().scores().length;
            List<String> names = new ArrayList<>(outputs);
            for (int i = 0; i < outputs; i++) names.add("LABEL_" + i);
            return new LabelVocab(names);
        }
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (TextExample e : texts.get(Split.TRAIN)) {
            if (!e.hasLabel()) throw new DataException(e.docId() + ": an example has no label (training data must be labelled)");
            names.addAll(e.multiLabels());
        }
        if (names.isEmpty()) throw new DataException(task + " training data: no example has a label");
        return new LabelVocab(new ArrayList<>(names));
    }

    /**
     * Keeps a fraction of the training examples (dev and test stay whole). The examples kept are those with the
     * smallest hash of (document id, position, seed), so the choice is deterministic and a smaller fraction is a
     * subset of a larger one.
     */
    public TaskData withLabelFraction(double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("--label-fraction must be in (0, 1], got " + fraction);
        if (fraction == 1) return this;
        if (kind == TaskKind.SEQUENCE) {
            Map<Split, List<TextExample>> m = new EnumMap<>(texts);
            m.put(Split.TRAIN, sample(texts.get(Split.TRAIN), TextExample::docId, fraction, seed));
            return new TaskData(task, kind, m, null);
        }
        Map<Split, List<TaggedSentence>> m = new EnumMap<>(tagged);
        m.put(Split.TRAIN, sample(tagged.get(Split.TRAIN), TaggedSentence::docId, fraction, seed));
        return new TaskData(task, kind, null, m);
    }

    static <T> List<T> sample(List<T> items, Function<T, String> docId, double fraction, long seed) {
        int keep = Math.max(1, (int) Math.round(fraction * items.size()));
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) idx.add(i);
        idx.sort(Comparator.comparingDouble(i -> Splits.unit(docId.apply(items.get(i)) + "#" + i, seed)));
        List<Integer> chosen = new ArrayList<>(idx.subList(0, keep));
        chosen.sort(null); // keep the original order of the data
        List<T> out = new ArrayList<>(keep);
        for (int i : chosen) out.add(items.get(i));
        return out;
    }

    /** Training text as plain strings (all of it, labelled or not), for the auxiliary MLM loss. */
    public List<String> trainText() {
        return trainText(java.util.Set.of());
    }

    /** The training examples' text, except those from the given documents. */
    public List<String> trainText(java.util.Set<String> excludedDocIds) {
        List<String> out = new ArrayList<>();
        if (kind == TaskKind.SEQUENCE) {
            for (TextExample e : texts.get(Split.TRAIN)) {
                if (!excludedDocIds.contains(e.docId())) out.add(e.textB() == null ? e.text() : e.text() + " " + e.textB());
            }
        } else {
            for (TaggedSentence s : tagged.get(Split.TRAIN)) if (!excludedDocIds.contains(s.docId())) out.add(String.join(" ", s.tokens()));
        }
        return out;
    }

    public EncodedSet encode(TaskEncoder encoder, Split split) {
        return kind == TaskKind.SEQUENCE ? encoder.texts(texts.get(split)) : encoder.tagged(tagged.get(split));
    }

    private static BrownCorpus brown(DataCache cache) {
        return Brown.load(cache);
    }

    static <T> Map<Split, List<T>> userSplits(Files files, Function<Path, List<T>> reader) {
        if (files == null) throw new DataException("tasks seq and tok need --train FILE and --dev FILE");
        Map<Split, List<T>> m = new EnumMap<>(Split.class);
        m.put(Split.TRAIN, files.train() == null ? List.of() : reader.apply(files.train()));
        m.put(Split.DEV, files.dev() == null ? List.of() : reader.apply(files.dev()));
        m.put(Split.TEST, files.test() == null ? List.of() : reader.apply(files.test()));
        return m;
    }
}
