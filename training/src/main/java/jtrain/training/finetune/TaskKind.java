package jtrain.training.finetune;

import java.util.List;

import jtrain.engine.Rng;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForSequenceClassification;
import jtrain.transformer.BertForTokenClassification;
import jtrain.transformer.BertTask;

/** The two supervised task shapes: one label per text (or text pair), or one tag per word. */
public enum TaskKind {
    SEQUENCE("BertForSequenceClassification"),
    TOKEN("BertForTokenClassification");

    public final String architecture;

    TaskKind(String architecture) {
        this.architecture = architecture;
    }

    /** A model of this kind with freshly initialised weights (init) and dropout masks drawn from dropoutRng. */
    public BertTask newModel(BertConfig config, Rng init, Rng dropoutRng) {
        return this == SEQUENCE ? new BertForSequenceClassification(config, init, dropoutRng)
                : new BertForTokenClassification(config, init, dropoutRng);
    }

    /** The kind recorded in a config.json "architectures" list, or an error naming what was found. */
    public static TaskKind ofConfig(BertConfig config, String source) {
        Object arch = config.extra().get("architectures");
        if (arch instanceof List<?> l && !l.isEmpty()) {
            for (TaskKind k : values()) if (k.architecture.equals(String.valueOf(l.getFirst()))) return k;
        }
        throw new IllegalArgumentException(source + ": not a fine-tuned classifier (architectures is " + arch
                + "; expected BertForSequenceClassification or BertForTokenClassification)");
    }
}
