package jtrain.engine.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jtrain.engine.io.SafetensorsHeader.FileDType;
import jtrain.engine.io.Unpickler.Global;

/**
 * The vocabulary of a pickled PyTorch state dict: the globals torch.save writes for one (OrderedDict, the tensor and
 * parameter rebuild functions, the storage types) and what they build here, references to be read later by
 * {@link TorchCheckpoint}. Python's own functions are never involved: each whitelisted name maps to a Java function
 * that only records its arguments.
 */
final class TorchPickle {
    private TorchPickle() {}

    /**
     * torch's typed storages: the global that names one, its element size, and the safetensors type with the same
     * bytes (null where jtrain cannot hold the values), whose conversion {@link Safetensors#toStorage} does.
     */
    enum StorageType {
        FLOAT(4, FileDType.F32), HALF(2, FileDType.F16), BFLOAT16(2, FileDType.BF16), DOUBLE(8, FileDType.F64),
        LONG(8, FileDType.I64), INT(4, FileDType.I32),
        SHORT(2, null), CHAR(1, null), BYTE(1, null), BOOL(1, null), COMPLEX_FLOAT(8, null), COMPLEX_DOUBLE(16, null);

        final int bytes;
        final FileDType fileType;

        StorageType(int bytes, FileDType fileType) {
            this.bytes = bytes;
            this.fileType = fileType;
        }

        /** "torch.FloatStorage" for FLOAT, "torch.ComplexFloatStorage" for COMPLEX_FLOAT. */
        String global() {
            StringBuilder s = new StringBuilder("torch.");
            for (String part : name().split("_")) s.append(part.charAt(0)).append(part.substring(1).toLowerCase());
            return s.append("Storage").toString().replace("Bfloat16", "BFloat16");
        }
    }

    /** A persistent id: storage key (the zip entry data/KEY, or the legacy format's key), type and element count. */
    record StorageRef(String key, StorageType type, long numel) {}

    /** A tensor as _rebuild_tensor_v2 describes it: a window of a storage, in elements. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
        @Override
        public String toString() {
            return "size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride) + ", offset " + offset;
        }
    }

    /** The whitelisted globals, by "module.name". */
    static Map<String, Global> globals() {
        Map<String, Global> g = new LinkedHashMap<>();
        add(g, "collections.OrderedDict", args -> {
            if (!args.isEmpty()) throw new IllegalArgumentException("OrderedDict with initial items");
            return new LinkedHashMap<>();
        });
        add(g, "torch._utils._rebuild_tensor_v2", TorchPickle::rebuildTensor);
        // A Parameter wraps its data tensor: (data, requires_grad, backward_hooks[, state]).
        add(g, "torch._utils._rebuild_parameter", args -> tensorArg(args, 0));
        add(g, "torch._utils._rebuild_parameter_with_state", args -> tensorArg(args, 0));
        for (StorageType t : StorageType.values()) add(g, t.global(), null);
        return g;
    }

    private static void add(Map<String, Global> g, String name, Function<List<Object>, Object> call) {
        g.put(name, new Global(name, call));
    }

    /** (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static TensorRef rebuildTensor(List<Object> args) {
        if (args.size() != 6 && args.size() != 7) throw new IllegalArgumentException(args.size() + " arguments instead of 6 or 7");
        if (!(args.get(0) instanceof StorageRef s)) throw new IllegalArgumentException("the storage is a " + Unpickler.typeName(args.get(0)));
        if (!(args.get(5) instanceof Map<?, ?> hooks) || !hooks.isEmpty()) throw new IllegalArgumentException("backward hooks are not supported");
        if (args.size() == 7 && args.get(6) instanceof Map<?, ?> meta && !meta.isEmpty()) {
            throw new IllegalArgumentException("tensor metadata " + meta + " is not supported");
        }
        long[] size = longs(args.get(2)), stride = longs(args.get(3));
        if (size.length != stride.length) throw new IllegalArgumentException("size and stride differ in rank");
        long offset = (Long) args.get(1);
        if (offset < 0) throw new IllegalArgumentException("negative storage offset " + offset);
        return new TensorRef(s, offset, size, stride);
    }

    private static TensorRef tensorArg(List<Object> args, int i) {
        if (args.get(i) instanceof TensorRef t) return t;
        throw new IllegalArgumentException("expected a tensor, got a " + Unpickler.typeName(args.get(i)));
    }

    private static long[] longs(Object tuple) {
        List<?> items = (List<?>) tuple;
        long[] a = new long[items.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (Long) items.get(i);
            if (a[i] < 0) throw new IllegalArgumentException("negative size or stride " + a[i]);
        }
        return a;
    }

    /**
     * The persistent id of a storage: ('storage', type, key, location, numel) in the zip format; the legacy format
     * adds a sixth item, view metadata, which is None unless the file comes from torch before 0.4.
     */
    static StorageRef storage(Object pid, String file) {
        if (pid instanceof List<?> t && (t.size() == 5 || t.size() == 6) && "storage".equals(t.get(0))
                && t.get(1) instanceof Global type && t.get(2) instanceof String key && t.get(4) instanceof Long numel) {
            if (t.size() == 6 && t.get(5) != null) {
                throw new IllegalArgumentException(file + ": storage '" + key + "' is a storage view (torch < 0.4), which is not supported");
            }
            StorageType st = Arrays.stream(StorageType.values()).filter(s -> s.global().equals(type.name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": storage '" + key + "' has type " + type.name() + ", not a storage type"));
            if (numel < 0) throw new IllegalArgumentException(file + ": storage '" + key + "' has " + numel + " elements");
            return new StorageRef(key, st, numel);
        }
        throw new IllegalArgumentException(file + ": unexpected persistent id " + pid + ": not a torch storage");
    }

    /** The top-level object as names to tensors: torch.save(model.state_dict()) writes exactly that. */
    static Map<String, TensorRef> stateDict(Object root, String file) {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new IllegalArgumentException(file + ": holds a " + Unpickler.typeName(root) + ", not a state dict (a dict of names to tensors)");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) throw new IllegalArgumentException(file + ": state dict key " + e.getKey() + " is not a string");
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new IllegalArgumentException(file + ": '" + name + "' holds a " + Unpickler.typeName(e.getValue())
                        + ", not a tensor: only a state dict (names to tensors, as model.state_dict() gives) can be loaded");
            }
            out.put(name, t);
        }
        return out;
    }
}
