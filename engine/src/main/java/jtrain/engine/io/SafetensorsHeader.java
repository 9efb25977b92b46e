package jtrain.engine.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.DType;
import jtrain.engine.Shapes;

/**
 * The JSON header of a safetensors file, checked against the size of the data section so that a damaged or
 * hostile file fails with a message naming the file and tensor instead of reading garbage.
 */
record SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {

    /** Element types of the file format that {@link Safetensors#read} converts to a tensor. */
    enum FileDType {
        F64(8), F32(4), I64(8), I32(4), BF16(2), F16(2);

        final int bytes;

        FileDType(int bytes) {
            this.bytes = bytes;
        }

        /** The type {@link Safetensors#toStorage} holds values of this type in. */
        DType heldAs() {
            return switch (this) {
                case F32, BF16, F16 -> DType.F32;
                case F64 -> DType.F64;
                case I32, I64 -> DType.I32;
            };
        }
    }

    /** One tensor: data_offsets are [begin, end) relative to the start of the data section. */
    record Entry(String name, FileDType dtype, int[] shape, long begin, long end) {
        int numel() {
            return Shapes.numel(shape);
        }
    }

    static final String METADATA_KEY = "__metadata__";

    static SafetensorsHeader parse(String json, String file, long dataLength) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json, file + " (header)");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the safetensors header is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(e.getValue(), file);
            } else {
                entries.add(entry(e.getKey(), e.getValue(), file, dataLength));
            }
        }
        checkCoverage(entries, file, dataLength);
        return new SafetensorsHeader(entries, metadata);
    }

    private static Map<String, String> metadata(Object value, String file) {
        if (!(value instanceof Map<?, ?> m)) throw new IllegalArgumentException(file + ": " + METADATA_KEY + " is not a JSON object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException(file + ": " + METADATA_KEY + " value of '" + e.getKey() + "' is not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(String name, Object value, String file, long dataLength) {
        String where = file + ": tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + "header entry is not a JSON object");
        if (!(m.get("dtype") instanceof String dtypeName)) throw new IllegalArgumentException(where + "missing or non-string \"dtype\"");
        FileDType dtype;
        try {
            dtype = FileDType.valueOf(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "unknown or unsupported dtype '" + dtypeName
                    + "' (supported: F32, F64, I32, I64, BF16, F16)");
        }
        int[] shape = shape(m.get("shape"), where);
        long[] offsets = offsets(m.get("data_offsets"), where);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength) {
            throw new IllegalArgumentException(where + "data_offsets [" + begin + ", " + end + "] out of range: the data section holds "
                    + dataLength + " bytes (truncated file?)");
        }
        long need = (long) Shapes.numel(shape) * dtype.bytes;
        if (end - begin != need) {
            throw new IllegalArgumentException(where + "data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but shape " + Shapes.str(shape) + " of " + dtype + " needs " + need);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static int[] shape(Object value, String where) {
        if (!(value instanceof List<?> list)) throw new IllegalArgumentException(where + "missing or non-array \"shape\"");
        int[] shape = new int[list.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(list.get(i) instanceof Long d) || d < 0) {
                throw new IllegalArgumentException(where + "shape " + list + " must hold non-negative integers");
            }
            numel *= Math.min(d, Integer.MAX_VALUE + 1L);
            if (numel > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + "shape " + list + " has more than " + Integer.MAX_VALUE
                        + " elements, too many for one tensor");
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] offsets(Object value, String where) {
        if (value instanceof List<?> list && list.size() == 2 && list.get(0) instanceof Long b && list.get(1) instanceof Long e
                && b >= 0 && e >= 0) {
            return new long[] {b, e};
        }
        throw new IllegalArgumentException(where + "\"data_offsets\" must be [begin, end] with non-negative integers, not " + value);
    }

    /**
     * The tensors must tile the data section exactly, as the safetensors format (and its reference reader) requires:
     * in offset order each starts where the previous one ended, the first at 0, the last at the end of the file. A
     * gap, an overlap or trailing bytes mean the header does not describe the file.
     */
    private static void checkCoverage(List<Entry> entries, String file, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < at) {
                throw new IllegalArgumentException(file + ": tensors '" + previous.name() + "' [" + previous.begin() + ", " + previous.end()
                        + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlap");
            }
            if (e.begin() > at) {
                throw new IllegalArgumentException(file + ": tensor '" + e.name() + "' starts at byte " + e.begin() + " of the data, but "
                        + (previous == null ? "the data starts at 0" : "'" + previous.name() + "' ends at " + at) + " (a gap the header does not describe)");
            }
            at = e.end();
            previous = e;
        }
        if (at != dataLength) {
            throw new IllegalArgumentException(file + ": the data section has " + dataLength + " bytes but the tensors cover " + at
                    + " (trailing bytes the header does not describe)");
        }
    }
}
