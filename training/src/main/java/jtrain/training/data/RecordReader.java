package jtrain.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The records of a user file read one at a time, so that a file of any size can be gone through in bounded memory;
 * each comes with the line it starts on. Faults are {@link DataException}s naming FILE:LINE, as the whole-file
 * readers give them.
 */
public interface RecordReader<T> extends AutoCloseable {
    /** The next record, or null after the last one. */
    Numbered<T> next();

    @Override
    void close();

    /** Every record of reader, which is closed. */
    static <T> List<Numbered<T>> readAll(RecordReader<T> reader) {
        try (reader) {
            List<Numbered<T>> out = new ArrayList<>();
            for (Numbered<T> r = reader.next(); r != null; r = reader.next()) out.add(r);
            return out;
        }
    }
}
