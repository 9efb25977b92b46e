package jtrain.training.data;

/** One unlabeled document: id is unique across sources (e.g. "brown/ca01") and is what splits hash. */
public record Document(String id, String source, String text) {}
