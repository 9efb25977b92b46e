package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import jtrain.engine.backend.Backend;

/** The kernels jar: PTX for every CUDA source when nvcc was there at build time, and op codes that match the Java enums. */
class KernelsJarTest {
    private static final Path SOURCES = Path.of("..", "kernels", "src", "main", "cuda");

    @Test
    void everySourceWasCompiledToPtxWhenNvccWasPresent() throws Exception {
        Properties info = Cuda.buildInfo();
        assertNotNull(info, "jtrain/kernels/build-info.properties is on the class path");
        Assumptions.assumeFalse("none".equals(info.getProperty("nvcc")), "the kernels were built without nvcc: no PTX expected");
        TreeSet<String> sources = new TreeSet<>();
        try (var files = Files.list(SOURCES)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).forEach(n -> sources.add(n.substring(0, n.length() - 3)));
        }
        assertEquals(sources, new TreeSet<>(Arrays.asList(info.getProperty("kernels").split(","))), "one PTX module per .cu file");
        Map<String, byte[]> ptx = new LinkedHashMap<>();
        assertEquals(null, Cuda.loadPtx(ptx));
        for (var e : ptx.entrySet()) {
            String text = new String(e.getValue(), StandardCharsets.US_ASCII);
            assertTrue(text.contains(".target sm_90"), e.getKey() + " targets sm_90");
            assertTrue(text.contains(".visible .entry"), e.getKey() + " has kernels");
        }
        assertEquals("sm_90", info.getProperty("arch"));
    }

    @Test
    void opCodesInCommonHeaderMatchTheJavaEnums() throws Exception {
        String header = Files.readString(SOURCES.resolve("common.cuh"));
        Map<String, Integer> defines = new LinkedHashMap<>();
        Matcher m = Pattern.compile("#define (UNARY|BINARY|REDUCE)_(\\w+) (\\d+)").matcher(header);
        while (m.find()) defines.put(m.group(1) + "_" + m.group(2), Integer.parseInt(m.group(3)));
        for (Backend.Unary op : Backend.Unary.values()) assertEquals(op.ordinal(), defines.get("UNARY_" + op.name()), op.name());
        for (Backend.Binary op : Backend.Binary.values()) assertEquals(op.ordinal(), defines.get("BINARY_" + op.name()), op.name());
        for (Backend.Reduce op : Backend.Reduce.values()) assertEquals(op.ordinal(), defines.get("REDUCE_" + op.name()), op.name());
        assertEquals(Backend.Unary.values().length + Backend.Binary.values().length + Backend.Reduce.values().length, defines.size());
    }
}
