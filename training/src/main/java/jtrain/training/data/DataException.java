package jtrain.training.data;

/** A problem with input data or the data cache; the message is meant for the user (file, line, what to do). */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
