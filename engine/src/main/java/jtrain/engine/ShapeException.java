package jtrain.engine;

/** A tensor had the wrong shape for an op; the message names the op and the shapes involved. */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }
}
