package jtrain.training.run;

/** A checkpoint could not be saved, or one on disk is missing, incomplete or corrupted; the message names the file. */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
