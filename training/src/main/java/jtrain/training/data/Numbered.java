package jtrain.training.data;

/** A record read from a user file and the 1-based line it starts on, so that results can be joined back to the file. */
public record Numbered<T>(int line, T value) {}
