package jtrain.training.data;

import java.util.List;

/** One sentence for token classification: tokens and their tags, of equal length. */
public record TaggedSentence(String docId, List<String> tokens, List<String> tags) {
    public TaggedSentence {
        tokens = List.copyOf(tokens);
        tags = List.copyOf(tags);
        if (tokens.size() != tags.size())
            throw new IllegalArgumentException(docId + ": " + tokens.size() + " tokens but " + tags.size() + " tags");
    }
}
