package jtrain.training.data;

/** One SpamAssassin message: docId "spam-assassin/GROUP/ID", its folder (spam-1, easy-ham-2, ...), decoded text. */
public record Email(String docId, String group, boolean spam, String subject, String body) {
    /** What the spam classifier reads: subject, blank line, body. */
    public String text() {
        return subject.isEmpty() ? body : subject + "\n\n" + body;
    }
}
