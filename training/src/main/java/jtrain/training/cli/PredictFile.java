package jtrain.training.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.Json;
import jtrain.training.data.Numbered;
import jtrain.training.data.RecordReader;
import jtrain.training.data.UserData;
import jtrain.training.finetune.Predictor;
import jtrain.training.finetune.TaskKind;
import jtrain.training.run.Progress;

/**
 * {@code ./trainer predict --input FILE}: every record of a file through the classifier, batch by batch, written as
 * JSON Lines in the file's order, each object starting with the record's line. The file is read twice, a record at a
 * time, so a file of any size takes memory for one window of batches only: a first pass checks every record (any fault in the
 * file is reported before the model runs) and counts them, the second reads, predicts and writes a window of
 * {@value #WINDOW_BATCHES} batches at a time. Inside a window the records are batched in order of length, so that a
 * batch pads its inputs to similar lengths rather than every batch to its longest record (results equal the
 * unsorted ones up to float rounding, as any batch's do; see Predictor). Progress goes to stderr, so stdout holds
 * only the JSON Lines.
 */
final class PredictFile {
    private PredictFile() {}

    /** Batches read ahead and sorted by length together: more makes batches of more even lengths, and takes more memory. */
    static final int WINDOW_BATCHES = 16;

    /** outFile null: stdout. */
    static void run(Predictor p, TaskKind kind, Path input, Path outFile, int batch, PrintStream out, PrintStream err) {
        if (kind == TaskKind.SEQUENCE) {
            write(() -> UserData.textsToLabel(input), batch, t -> t.text().length() + (t.textB() == null ? 0 : t.textB().length()),
                    chunk -> PredictCommand.sequenceJson(p, chunk), outFile, out, err);
        } else {
            write(() -> UserData.sentencesToTag(input), batch, words -> words.stream().mapToInt(w -> w.length() + 1).sum(),
                    chunk -> p.tag(chunk).stream().map(PredictCommand::tagsJson).toList(), outFile, out, err);
        }
    }

    /** The number of records, every one read and checked. */
    private static <T> int count(Supplier<RecordReader<T>> open) {
        int n = 0;
        try (RecordReader<T> records = open.get()) {
            while (records.next() != null) n++;
        }
        return n;
    }

    /** length: a record's size in characters, which orders the records of a window before batching. */
    private static <T> void write(Supplier<RecordReader<T>> open, int batch, ToIntFunction<T> length,
            Function<List<T>, List<Map<String, Object>>> predict, Path outFile, PrintStream out, PrintStream err) {
        int n = count(open);
        if (outFile == null) {
            predictAll(open, n, batch, length, predict, out, err);
            return;
        }
        AtomicFiles.write(outFile, ch -> { // a failure names the file and leaves no part of it
            // PrintStream swallows the IOException of a failed write (a full disk): keep the first to report its cause.
            IOException[] failed = new IOException[1];
            OutputStream keepsFailure = new FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        out.write(b, off, len);
                    } catch (IOException e) {
                        if (failed[0] == null) failed[0] = e;
                        throw e;
                    }
                }
            };
            PrintStream file = new PrintStream(keepsFailure, false, StandardCharsets.UTF_8);
            predictAll(open, n, batch, length, predict, file, err);
            file.flush(); // not closed: AtomicFiles forces the channel to disk and closes it
            if (file.checkError()) throw failed[0] != null ? failed[0] : new IOException("writing failed");
        });
        out.println(n + " predictions written to " + outFile);
    }

    static <T> void predictAll(Supplier<RecordReader<T>> open, int n, int batch, ToIntFunction<T> length,
            Function<List<T>, List<Map<String, Object>>> predict, PrintStream sink, PrintStream err) {
        Progress progress = new Progress(err, 10);
        int done = 0;
        try (RecordReader<T> records = open.get()) {
            int windowSize = (int) Math.min(Integer.MAX_VALUE - 8, (long) batch * WINDOW_BATCHES);
            for (List<Numbered<T>> window; !(window = nextBatch(records, windowSize)).isEmpty(); ) {
                List<Numbered<T>> inWindow = window; // effectively final, for the comparator
                // Batches of records of similar length (a stable sort: equal lengths keep the file's order).
                Integer[] order = new Integer[window.size()];
                Arrays.setAll(order, i -> i);
                Arrays.sort(order, Comparator.comparingInt(i -> length.applyAsInt(inWindow.get(i).value())));
                List<Map<String, Object>> results = new ArrayList<>(Collections.nCopies(window.size(), null));
                for (int start = 0; start < order.length; start += batch) {
                    int end = Math.min(order.length, start + batch);
                    List<T> inputs = new ArrayList<>(end - start);
                    for (int k = start; k < end; k++) inputs.add(window.get(order[k]).value());
                    List<Map<String, Object>> predicted = predict.apply(inputs);
                    for (int k = start; k < end; k++) results.set(order[k], predicted.get(k - start));
                    done += end - start;
                    if (n > batch) progress.update("predict: " + done + "/" + n + " records", done == n);
                }
                for (int i = 0; i < window.size(); i++) { // the window in the file's order
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("line", window.get(i).line());
                    line.putAll(results.get(i));
                    sink.println(Json.write(line));
                }
            }
        }
        progress.done();
    }

    /** Up to batch records; none at the end of the file. */
    private static <T> List<Numbered<T>> nextBatch(RecordReader<T> records, int batch) {
        List<Numbered<T>> chunk = new ArrayList<>(Math.min(batch, 4096));
        for (Numbered<T> r; chunk.size() < batch && (r = records.next()) != null; ) chunk.add(r);
        return chunk;
    }
}
