package jtrain.training.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text for masked-language-model pretraining. Documents that are dev or test documents of a fine-tuning task are left
 * out, so pretraining never sees text the fine-tuned model is evaluated on; of the rest, a slice chosen by document id
 * is held out to measure MLM loss.
 */
public record PretrainCorpus(List<Document> train, List<Document> heldOut, int excluded) {

    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    public long trainChars() {
        return train.stream().mapToLong(d -> d.text().length()).sum();
    }

    public long heldOutChars() {
        return heldOut.stream().mapToLong(d -> d.text().length()).sum();
    }

    public static final class Builder {
        // Salt so the held-out draw is independent of the task splits that use the same seed.
        private static final long HELD_OUT_SALT = 0x5eed_4e1dL;
        private final long seed;
        private final Map<String, Document> docs = new LinkedHashMap<>();
        private final Set<String> excludedIds = new HashSet<>();
        private double heldOutFraction = 0.05;

        private Builder(long seed) {
            this.seed = seed;
        }

        public Builder add(List<Document> documents) {
            for (Document d : documents)
                if (docs.putIfAbsent(d.id(), d) != null)
                    throw new IllegalArgumentException("duplicate document id " + d.id() + " (in " + d.source()
                            + "; each document, and each file, may appear only once)");
            return this;
        }

        /** Excludes the documents that Splits.of(id, taskSeed) puts in dev or test: a task's evaluation documents. */
        public Builder excludeEvalDocsOf(List<String> taskDocIds, long taskSeed) {
            for (String id : taskDocIds) if (Splits.of(id, taskSeed) != Split.TRAIN) excludedIds.add(id);
            return this;
        }

        public Builder heldOutFraction(double f) {
            if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("heldOutFraction must be in [0, 1)");
            heldOutFraction = f;
            return this;
        }

        public PretrainCorpus build() {
            List<Document> train = new ArrayList<>(), held = new ArrayList<>();
            int excluded = 0;
            for (Document d : docs.values()) {
                if (excludedIds.contains(d.id())) excluded++;
                else if (Splits.unit(d.id(), seed ^ HELD_OUT_SALT) < heldOutFraction) held.add(d);
                else train.add(d);
            }
            // A corpus of a few documents could lose them all to the held-out draw: train on them, evaluate nothing.
            if (train.isEmpty()) return new PretrainCorpus(List.copyOf(held), List.of(), excluded);
            return new PretrainCorpus(List.copyOf(train), List.copyOf(held), excluded);
        }
    }
}
