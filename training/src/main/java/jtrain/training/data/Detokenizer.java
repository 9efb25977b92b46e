package jtrain.training.data;

import java.util.List;
import java.util.Set;

/**
 * Joins corpus tokens back into plain text, so that models see ordinary prose rather than "word , word ." spacing:
 * no space before closing punctuation or after opening brackets and quotes; Brown's `` and '' become ".
 */
public final class Detokenizer {
    private Detokenizer() {}

    private static final Set<String> NO_SPACE_BEFORE = Set.of(".", ",", ";", ":", "!", "?", ")", "]", "}", "''",
            "'", "%", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m");
    private static final Set<String> NO_SPACE_AFTER = Set.of("(", "[", "{", "``", "$");

    public static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        boolean glueNext = true;
        for (String tok : tokens) {
            boolean glue = glueNext || NO_SPACE_BEFORE.contains(tok);
            if (!glue) sb.append(' ');
            sb.append(switch (tok) {
                case "``", "''" -> "\"";
                default -> tok;
            });
            glueNext = NO_SPACE_AFTER.contains(tok);
        }
        return sb.toString();
    }
}
