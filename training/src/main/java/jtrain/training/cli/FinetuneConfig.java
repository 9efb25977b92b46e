package jtrain.training.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jtrain.training.data.Splits;
import jtrain.training.finetune.FineTuneOptions;
import jtrain.training.run.RunFolder;

/**
 * The options of a fine-tuning run, as given or defaulted, which OUT/run_config.json keeps so that {@code --resume}
 * continues the run with the same ones. Files and folders are saved as absolute paths, so a resume works from any
 * working folder. An option whose value is null was not given and has no fixed default (--max-len: 128 or the
 * model's positions; --dropout: the config's; --steps: --epochs; --problem: single-label). --metric is saved as the
 * problem type's default when not given.
 */
final class FinetuneConfig {
    /** Marks run_config.json as a fine-tuning run's (a pretraining run's has no such field). */
    static final String RUN = "finetune";

    enum Kind { TEXT, PATH, INT, NUMBER, SWITCH }

    /** One option of ./trainer finetune; free: it does not change what is trained, so a resume may set it anew. */
    record Option(String name, Kind kind, Object defaultValue, boolean free) {
        String key() {
            return name.substring(2).replace('-', '_');
        }
    }

    private static final FineTuneOptions D = new FineTuneOptions();

    static final List<Option> OPTIONS = List.of(
            new Option("--task", Kind.TEXT, null, false),
            new Option("--train", Kind.PATH, null, false), new Option("--dev", Kind.PATH, null, false),
            new Option("--test", Kind.PATH, null, false),
            new Option("--init", Kind.PATH, null, false), new Option("--scratch", Kind.SWITCH, false, false),
            new Option("--tokenizer", Kind.PATH, null, false), new Option("--model", Kind.TEXT, null, false),
            new Option("--label-fraction", Kind.NUMBER, 1.0, false),
            new Option("--epochs", Kind.INT, (long) D.epochs, false), new Option("--steps", Kind.INT, null, false),
            new Option("--batch", Kind.INT, (long) D.batchSize, false), new Option("--grad-accum", Kind.INT, (long) D.gradAccum, false),
            new Option("--lr", Kind.NUMBER, D.lr, false), new Option("--head-lr-scale", Kind.NUMBER, D.headLrScale, false),
            new Option("--warmup", Kind.NUMBER, D.warmupFraction, false), new Option("--weight-decay", Kind.NUMBER, D.weightDecay, false),
            new Option("--clip", Kind.NUMBER, D.clipNorm, false), new Option("--dropout", Kind.NUMBER, null, false),
            new Option("--freeze-embeddings", Kind.SWITCH, false, false), new Option("--freeze-layers", Kind.INT, (long) D.freezeLayers, false),
            new Option("--aux-mlm-weight", Kind.NUMBER, D.auxMlmWeight, false), new Option("--aux-mlm-text", Kind.PATH, null, false),
            new Option("--max-len", Kind.INT, null, false), new Option("--eval-every", Kind.INT, (long) D.evalEvery, false),
            new Option("--patience", Kind.INT, (long) D.patience, false), new Option("--metric", Kind.TEXT, null, false),
            new Option("--problem", Kind.TEXT, null, false),
            new Option("--seed", Kind.INT, D.seed, false), new Option("--split-seed", Kind.INT, Splits.DEFAULT_SEED, false),
            new Option("--save-every", Kind.INT, 200L, true), new Option("--keep", Kind.INT, 3L, true),
            new Option("--cache", Kind.PATH, null, true), new Option("--device", Kind.TEXT, "auto", true),
            new Option("--recompute", Kind.SWITCH, false, true));

    /** The options of a run's length, which a resume may raise (see {@link FinetuneExtension}). */
    static final List<String> LENGTH = List.of("--epochs", "--steps");

    /** Every option's value by key (snake_case, as in run_config.json). */
    private final Map<String, Object> values;
    /** {@link jtrain.transformer.StateDict#sha256} of the model at step 0 (null until the run starts). */
    private final String startSha256;
    /** A resumed run's run_config.json as saved, and its path (both null for a new run). */
    private final Map<String, Object> saved;
    private final Path savedIn;

    private FinetuneConfig(Map<String, Object> values, String startSha256, Map<String, Object> saved, Path savedIn) {
        this.values = values;
        this.startSha256 = startSha256;
        this.saved = saved;
        this.savedIn = savedIn;
    }

    /** The options of ArgList that take a value, and its switches. */
    static Set<String> valued() {
        return OPTIONS.stream().filter(o -> o.kind() != Kind.SWITCH).map(Option::name).collect(Collectors.toSet());
    }

    /** The switches, and --no-X for each free switch --X (which a resumed run may turn off). */
    static Set<String> switches() {
        Set<String> s = OPTIONS.stream().filter(o -> o.kind() == Kind.SWITCH).map(Option::name).collect(Collectors.toSet());
        OPTIONS.stream().filter(o -> o.kind() == Kind.SWITCH && o.free()).forEach(o -> s.add(negated(o)));
        return s;
    }

    private static String negated(Option o) {
        return "--no-" + o.name().substring(2);
    }

    /** A new run's options: those given, the defaults for the rest; --task is required. */
    static FinetuneConfig fromArgs(ArgList a) {
        a.required("--task");
        Map<String, Object> v = new LinkedHashMap<>();
        for (Option o : OPTIONS) v.put(o.key(), a.has(o.name()) ? parse(o, a) : o.defaultValue());
        // saved resolved, as the other defaults are: the given metric checked against --problem, else the problem's default
        v.put("metric", ProblemOption.metric((String) v.get("metric"), ProblemOption.parse((String) v.get("problem"))));
        return new FinetuneConfig(v, null, null, null);
    }

    /**
     * The options saved in the run folder; an option given again must have the saved value unless it is free or one
     * of the run's length ({@link #LENGTH}, checked when the run is extended), else the error names the option, both
     * values and the file.
     */
    static FinetuneConfig resumed(RunFolder folder, ArgList a) {
        Map<String, Object> saved = folder.readConfig();
        String source = folder.runConfig().toString();
        if (!RUN.equals(saved.get("run"))) {
            throw new IllegalArgumentException(folder.dir() + " holds no fine-tuning run to resume (" + source + " is not a finetune run's)");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            // A free switch added after the run started (--recompute) is off in its run_config.json.
            boolean addedLater = o.kind() == Kind.SWITCH && o.free();
            if (!saved.containsKey(o.key()) && !addedLater) throw new IllegalArgumentException(source + ": missing field '" + o.key() + "'");
            Object was = saved.containsKey(o.key()) ? normalised(o, saved.get(o.key()), source) : o.defaultValue();
            Object now = a.has(o.name()) ? parse(o, a) : o.kind() == Kind.SWITCH && a.has(negated(o)) ? Boolean.FALSE : was;
            if (!o.free() && !LENGTH.contains(o.name()) && !String.valueOf(now).equals(String.valueOf(was))) {
                throw new IllegalArgumentException(o.name() + " " + shown(now) + " differs from the run's " + shown(was) + " (" + source
                        + "); a resumed run keeps its options");
            }
            v.put(o.key(), now);
        }
        return new FinetuneConfig(v, (String) saved.get("start_sha256"), saved, folder.runConfig());
    }

    /** The same options with the weights at step 0 identified (when the run starts). */
    FinetuneConfig withStartSha256(String sha256) {
        return new FinetuneConfig(values, sha256, saved, savedIn);
    }

    /** Whether this resume gives --epochs or --steps another value than the run's (always false for a new run). */
    boolean lengthChanged() {
        return saved != null && LENGTH.stream().anyMatch(o -> !String.valueOf(get(o)).equals(String.valueOf(savedValue(o))));
    }

    /** An option's value in run_config.json as saved (checked when it was read), in the form this config holds. */
    Object savedValue(String option) {
        Option o = OPTIONS.stream().filter(x -> x.name().equals(option)).findFirst().orElseThrow();
        return normalised(o, saved.get(o.key()), o.key());
    }

    /** The run's extensions so far, as its run_config.json lists them: empty for a new run or one never extended. */
    List<Map<String, Object>> extensions() {
        if (saved == null || !(saved.get(FinetuneExtension.EXTENSIONS) instanceof List<?> list)) return List.of();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object e : list) {
            if (!(e instanceof Map<?, ?> m) || !(m.get("steps_before") instanceof Number)) {
                throw new IllegalArgumentException(savedIn + ": '" + FinetuneExtension.EXTENSIONS + "' holds " + e
                        + ", not {\"at_step\": N, \"steps_before\": N}");
            }
            @SuppressWarnings("unchecked") Map<String, Object> entry = (Map<String, Object>) m;
            out.add(entry);
        }
        return out;
    }

    /** The content of run_config.json. */
    Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("run", RUN);
        j.putAll(values);
        j.put("start_sha256", startSha256);
        return j;
    }

    String text(String option) {
        return (String) get(option);
    }

    /** A file or folder option as a path, or null when not given. */
    Path path(String option) {
        Object v = get(option);
        return v == null ? null : Path.of((String) v);
    }

    int integer(String option) {
        return ((Number) get(option)).intValue();
    }

    double number(String option) {
        return ((Number) get(option)).doubleValue();
    }

    /** Whether a switch was given, or an option without a fixed default has a value. */
    boolean has(String option) {
        Object v = get(option);
        return v != null && !Boolean.FALSE.equals(v);
    }

    /** An option's value (null: not given and no fixed default). */
    Object value(String option) {
        return get(option);
    }

    String startSha256() {
        return startSha256;
    }

    private Object get(String option) {
        String key = option.substring(2).replace('-', '_');
        if (!values.containsKey(key)) throw new IllegalStateException("no option " + option);
        return values.get(key);
    }

    private static Object parse(Option o, ArgList a) {
        return switch (o.kind()) {
            // HF's long problem_type names and ours name the same types: saved and compared in one spelling
            case TEXT -> o.name().equals("--problem") ? ProblemOption.canonical(a.string(o.name(), null)) : a.string(o.name(), null);
            case PATH -> Path.of(a.string(o.name(), null)).toAbsolutePath().normalize().toString();
            case INT -> (long) a.integer(o.name(), 0);
            case NUMBER -> a.number(o.name(), 0);
            case SWITCH -> true;
        };
    }

    /** A saved value in the form {@link #parse} gives (JSON numbers come back as Long or Double). */
    private static Object normalised(Option o, Object v, String source) {
        if (v == null) return null;
        try {
            return switch (o.kind()) {
                case TEXT, PATH -> (String) v;
                case INT -> ((Number) v).longValue();
                case NUMBER -> ((Number) v).doubleValue();
                case SWITCH -> (Boolean) v;
            };
        } catch (ClassCastException e) {
            throw new IllegalArgumentException(source + ": field '" + o.key() + "' has the wrong type (" + v + ")");
        }
    }

    private static String shown(Object v) {
        return v == null ? "default" : String.valueOf(v);
    }
}
