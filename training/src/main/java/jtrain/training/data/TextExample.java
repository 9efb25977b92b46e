package jtrain.training.data;

/**
 * One example for sequence classification. docId names the document the text came from, so that splits keep every
 * passage of a document on the same side. textB is null for single-text tasks, label null for unlabeled text.
 */
public record TextExample(String docId, String text, String textB, String label) {}
