package jtrain.transformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import jtrain.engine.io.Json;

/**
 * A checkpoint split over several files, as HF writes large models: an index (model.safetensors.index.json or
 * pytorch_model.bin.index.json) whose "weight_map" names, for every tensor, the shard file holding it. The shards
 * are read one by one and merged; the index and the shards must agree exactly, so a missing shard, a tensor the
 * index promises but its shard lacks, or a tensor in two shards is an error naming the index and the file.
 */
final class ShardedWeights {
    private ShardedWeights() {}

    /**
     * Every tensor of the checkpoint whose index is {@code index}; {@code readShard} reads one shard file (its
     * tensors, or only what its header says of them).
     */
    static <T> Map<String, T> read(Path index, Function<Path, Map<String, T>> readShard) throws IOException {
        Map<String, Set<String>> namesByShard = namesByShard(index);
        Map<String, T> all = new LinkedHashMap<>();
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> shard : namesByShard.entrySet()) {
            Path file = index.resolveSibling(shard.getKey());
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(index.toString(), null, "shard " + shard.getKey() + " not found (" + file + ")");
            }
            Map<String, T> tensors = readShard.apply(file);
            for (String name : shard.getValue()) {
                if (!tensors.containsKey(name)) {
                    throw new IllegalArgumentException(index + ": tensor " + name + " is mapped to " + shard.getKey() + ", which does not hold it");
                }
            }
            for (Map.Entry<String, T> t : tensors.entrySet()) {
                String before = shardOf.putIfAbsent(t.getKey(), shard.getKey());
                if (before != null) {
                    throw new IllegalArgumentException(index + ": tensor " + t.getKey() + " is in two shards, " + before + " and " + shard.getKey());
                }
                all.put(t.getKey(), t.getValue());
            }
        }
        return all;
    }

    /** The index's weight_map grouped by shard, shards in name order (model-00001-of-00003... first). */
    static Map<String, Set<String>> namesByShard(Path index) throws IOException {
        Map<String, Object> json = Json.readObject(index);
        if (!(json.get("weight_map") instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new IllegalArgumentException(index + ": no \"weight_map\" object naming each tensor's shard");
        }
        Map<String, Set<String>> byShard = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String shard) || !isPlainFileName(shard)) {
                throw new IllegalArgumentException(index + ": weight_map[\"" + e.getKey() + "\"] must be a file name in the same folder, got "
                        + Json.write(e.getValue()));
            }
            byShard.computeIfAbsent(shard, s -> new LinkedHashSet<>()).add((String) e.getKey());
        }
        return byShard;
    }

    // A shard is a sibling of the index: no folders, so an index cannot point outside the model folder.
    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('\\') < 0;
    }
}
