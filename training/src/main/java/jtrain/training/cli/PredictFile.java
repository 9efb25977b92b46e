package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * time, so a file of any size takes memory for one batch only: a first pass checks every record (any fault in the
 * file is reported before the model runs) and counts them, the second reads, predicts and writes one batch at a
 * time. Progress goes to stderr, so stdout holds only the JSON Lines.
 */
final class PredictFile {
    private PredictFile() {}

    /** outFile null: stdout. */
    static void run(Predictor p, TaskKind kind, Path input, Path outFile, int batch, PrintStream out, PrintStream err) {
        if (kind == TaskKind.SEQUENCE) {
            write(() -> UserData.textsToLabel(input), batch, chunk -> PredictCommand.sequenceJson(p, chunk), outFile, out, err);
        } else {
            write(() -> UserData.sentencesToTag(input), batch, chunk -> p.tag(chunk).stream().map(PredictCommand::tagsJson).toList(),
                    outFile, out, err);
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

    private static <T> void write(Supplier<RecordReader<T>> open, int batch, Function<List<T>, List<Map<String, Object>>> predict,
            Path outFile, PrintStream out, PrintStream err) {
        int n = count(open);
        if (outFile == null) {
            predictAll(open, n, batch, predict, out, err);
            return;
        }
        AtomicFiles.write(outFile, ch -> { // a failure names the file and leaves no part of it
            PrintStream file = new PrintStream(Channels.newOutputStream(ch), false, StandardCharsets.UTF_8);
            predictAll(open, n, batch, predict, file, err);
            file.flush(); // not closed: AtomicFiles forces the channel to disk and closes it
            if (file.checkError()) throw new IOException("writing failed");
        });
        out.println(n + " predictions written to " + outFile);
    }

    private static <T> void predictAll(Supplier<RecordReader<T>> open, int n, int batch, Function<List<T>, List<Map<String, Object>>> predict,
            PrintStream sink, PrintStream err) {
        Progress progress = new Progress(err, 10);
        int done = 0;
        try (RecordReader<T> records = open.get()) {
            for (List<Numbered<T>> chunk = nextBatch(records, batch); !chunk.isEmpty(); chunk = nextBatch(records, batch)) {
                List<T> inputs = new ArrayList<>(chunk.size());
                for (Numbered<T> r : chunk) inputs.add(r.value());
                List<Map<String, Object>> results = predict.apply(inputs);
                for (int i = 0; i < chunk.size(); i++) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("line", chunk.get(i).line());
                    line.putAll(results.get(i));
                    sink.println(Json.write(line));
                }
                done += chunk.size();
                if (n > batch) progress.update("predict: " + done + "/" + n + " records", done == n);
            }
        }
        progress.done();
    }

    /** Up to batch records; none at the end of the file. */
    private static <T> List<Numbered<T>> nextBatch(RecordReader<T> records, int batch) {
        List<Numbered<T>> chunk = new ArrayList<>(batch);
        for (Numbered<T> r; chunk.size() < batch && (r = records.next()) != null; ) chunk.add(r);
        return chunk;
    }
}
