package jtrain.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each kernel's parameter list as the PTX declares it, so a launch whose Java arguments do not match (count,
 * kind, or the size of a by-value struct) fails with a message here instead of computing garbage on the GPU.
 */
final class KernelSignatures {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)(?:\\s+\\.[\\w]+)*(?:\\s+\\.align\\s+\\d+)?\\s+\\w+(?:\\[(\\d+)])?");

    /** One parameter: "int", "float", "long" (8 bytes: a pointer or a 64-bit integer) or "struct" of bytes. */
    record Param(String kind, int bytes) {}

    private final Map<String, List<Param>> byKernel = new HashMap<>();

    KernelSignatures(Map<String, byte[]> ptxModules) {
        for (byte[] ptx : ptxModules.values()) parse(new String(ptx, StandardCharsets.US_ASCII));
    }

    private void parse(String ptx) {
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<Param> params = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                String type = p.group(1);
                if (p.group(2) != null) params.add(new Param("struct", Integer.parseInt(p.group(2))));
                else if (type.equals("f32")) params.add(new Param("float", 4));
                else if (type.endsWith("32")) params.add(new Param("int", 4));
                else if (type.endsWith("64") && !type.equals("f64")) params.add(new Param("long", 8));
                else params.add(new Param(type, 0));
            }
            byKernel.put(e.group(1), params);
        }
    }

    List<Param> of(String kernel) {
        return byKernel.get(kernel);
    }

    /** Throws unless args match kernel's parameters one for one. */
    void check(String kernel, Object[] args) {
        List<Param> params = byKernel.get(kernel);
        if (params == null) throw new CudaException("no kernel '" + kernel + "' in the PTX modules");
        if (params.size() != args.length) {
            throw new IllegalArgumentException(kernel + ": takes " + params.size() + " arguments " + params + ", got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            Param p = params.get(i);
            boolean ok = switch (args[i]) {
                case Integer v -> p.kind().equals("int");
                case Float v -> p.kind().equals("float");
                case Long v -> p.kind().equals("long");
                case int[] v -> p.kind().equals("struct") && p.bytes() == 4 * v.length;
                default -> false;
            };
            if (!ok) {
                String got = args[i] instanceof int[] v ? "int[" + v.length + "]" : args[i].getClass().getSimpleName();
                throw new IllegalArgumentException(kernel + ": argument " + i + " should be " + p + ", got " + got);
            }
        }
    }
}
