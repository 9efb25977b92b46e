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

import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.Json;
import jtrain.training.data.Numbered;
import jtrain.training.data.TextExample;
import jtrain.training.data.UserData;
import jtrain.training.finetune.Predictor;
import jtrain.training.finetune.TaskKind;
import jtrain.training.run.Progress;

/**
 * {@code ./trainer predict --input FILE}: every record of a file through the classifier, batch by batch, written as
 * JSON Lines in the file's order, each object starting with the record's line. The whole file is read (and any
 * fault in it reported) before the model runs; progress goes to stderr, so stdout holds only the JSON Lines.
 */
final class PredictFile {
    private PredictFile() {}

    /** outFile null: stdout. */
    static void run(Predictor p, TaskKind kind, Path input, Path outFile, int batch, PrintStream out, PrintStream err) {
        if (kind == TaskKind.SEQUENCE) {
            List<Numbered<TextExample>> texts = UserData.textsToLabel(input);
            write(texts, batch, chunk -> p.classify(chunk).stream().map(PredictCommand::labelJson).toList(), outFile, out, err);
        } else {
            List<Numbered<List<String>>> sentences = UserData.sentencesToTag(input);
            write(sentences, batch, chunk -> p.tag(chunk).stream().map(PredictCommand::tagsJson).toList(), outFile, out, err);
        }
    }

    private static <T> void write(List<Numbered<T>> records, int batch, Function<List<T>, List<Map<String, Object>>> predict, Path outFile,
            PrintStream out, PrintStream err) {
        if (outFile == null) {
            predictAll(records, batch, predict, out, err);
            return;
        }
        AtomicFiles.write(outFile, ch -> { // a failure names the file and leaves no part of it
            PrintStream file = new PrintStream(Channels.newOutputStream(ch), false, StandardCharsets.UTF_8);
            predictAll(records, batch, predict, file, err);
            file.flush(); // not closed: AtomicFiles forces the channel to disk and closes it
            if (file.checkError()) throw new IOException("writing failed");
        });
        out.println(records.size() + " predictions written to " + outFile);
    }

    private static <T> void predictAll(List<Numbered<T>> records, int batch, Function<List<T>, List<Map<String, Object>>> predict,
            PrintStream sink, PrintStream err) {
        Progress progress = new Progress(err, 10);
        int n = records.size();
        for (int from = 0; from < n; from += batch) {
            List<Numbered<T>> chunk = records.subList(from, Math.min(n, from + batch));
            List<T> inputs = new ArrayList<>(chunk.size());
            for (Numbered<T> r : chunk) inputs.add(r.value());
            List<Map<String, Object>> results = predict.apply(inputs);
            for (int i = 0; i < chunk.size(); i++) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("line", chunk.get(i).line());
                line.putAll(results.get(i));
                sink.println(Json.write(line));
            }
            int done = from + chunk.size();
            if (n > batch) progress.update("predict: " + done + "/" + n + " records", done == n);
        }
        progress.done();
    }
}
