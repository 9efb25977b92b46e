package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.Rng;
import jtrain.training.data.Numbered;
import jtrain.training.data.RecordReader;

/**
 * How {@code predict --input} forms its batches: records are read a window of PredictFile.WINDOW_BATCHES batches at
 * a time and batched in order of length inside it, so that a batch pads to similar lengths; the output keeps the
 * file's order. Here the "model" is a function that records the batches it is given.
 */
class PredictFileBatchingTest {

    /** Records of the given lengths (strings of that many 'x'), on lines 1, 2, ... */
    private static RecordReader<String> reader(List<Integer> lengths) {
        Iterator<Integer> it = lengths.iterator();
        int[] line = {0};
        return new RecordReader<>() {
            @Override
            public Numbered<String> next() {
                return it.hasNext() ? new Numbered<>(++line[0], "x".repeat(it.next())) : null;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void eachWindowIsBatchedByLengthAndWrittenInTheFilesOrder() {
        int batch = 3, window = batch * PredictFile.WINDOW_BATCHES, n = window + 10; // a full window and a part of one
        Rng r = new Rng(5);
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < n; i++) lengths.add(1 + r.nextInt(200));
        List<List<String>> batches = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

        PredictFile.predictAll(() -> reader(lengths), n, batch, String::length, inputs -> {
            batches.add(inputs);
            return inputs.stream().map(s -> Map.<String, Object>of("length", s.length())).toList();
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(n, lines.size());
        for (int i = 0; i < n; i++) {
            assertEquals("{\"line\":" + (i + 1) + ",\"length\":" + lengths.get(i) + "}", lines.get(i), "each result on its record's line, in order");
        }
        // The batches of the first window hold its records shortest first; the last window's are the rest, sorted too.
        List<Integer> first = lengths.subList(0, window).stream().sorted().toList(), rest = lengths.subList(window, n).stream().sorted().toList();
        List<Integer> seen = batches.stream().flatMap(List::stream).map(String::length).toList();
        assertEquals(first, seen.subList(0, window));
        assertEquals(rest, seen.subList(window, n));
        assertTrue(batches.stream().allMatch(b -> b.size() <= batch), "no batch above --batch");
        assertEquals((window + batch - 1) / batch + (10 + batch - 1) / batch, batches.size(), "batches never span two windows");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("predict: " + n + "/" + n + " records"));
    }

    @Test
    void recordsOfEqualLengthKeepTheFilesOrderInsideTheirBatches() {
        List<Integer> lengths = List.of(4, 2, 4, 2, 4, 2);
        List<String> seenInOrder = new ArrayList<>();
        List<Integer> lineOfEach = new ArrayList<>();
        // Tag each record with its line through its text: lengths equal, contents differ.
        RecordReader<String> tagged = new RecordReader<>() {
            int i = 0;

            @Override
            public Numbered<String> next() {
                if (i >= lengths.size()) return null;
                i++;
                return new Numbered<>(i, String.valueOf(i).repeat(lengths.get(i - 1)));
            }

            @Override
            public void close() {}
        };
        PredictFile.predictAll(() -> tagged, lengths.size(), 2, String::length, inputs -> {
            seenInOrder.addAll(inputs);
            inputs.forEach(s -> lineOfEach.add(s.charAt(0) - '0'));
            return inputs.stream().map(s -> Map.<String, Object>of()).toList();
        }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of(2, 4, 6, 1, 3, 5), lineOfEach, "a stable sort: shorter first, ties in the file's order");
        assertEquals(seenInOrder.stream().sorted(Comparator.comparingInt(String::length)).toList(), seenInOrder);
    }
}
