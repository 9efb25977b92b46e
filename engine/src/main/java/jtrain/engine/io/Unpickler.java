package jtrain.engine.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A restricted reader of Python pickles: only the opcodes torch.save writes for a state dict (protocol 2), and only
 * the globals the caller allows. Nothing is ever executed: a global is a name looked up in the caller's table, and
 * "calling" it (REDUCE, NEWOBJ) runs the caller's Java function for that name. Any other global or opcode is refused
 * with an error naming it and the file, before anything past it is read.
 *
 * <p>Python values become: str -> String, int -> Long (BigInteger when wider than 64 bits), float -> Double,
 * bool -> Boolean, None -> null, list and tuple -> List, dict -> LinkedHashMap.
 */
public final class Unpickler {
    /** A whitelisted global as it sits on the stack; call is null for one that is only a value (a storage type). */
    public record Global(String name, Function<List<Object>, Object> call) {}

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_BIG_ENDIAN = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment in;
    private final String source;
    private final Map<String, Global> globals;
    private final Function<Object, Object> persistentLoad;
    private long pos;

    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    /**
     * in: the bytes, read from start; source names the file in errors; globals: the allowed globals by
     * "module.name"; persistentLoad: what a persistent id (BINPERSID) stands for.
     */
    public Unpickler(MemorySegment in, long start, String source, Map<String, Global> globals, Function<Object, Object> persistentLoad) {
        this.in = in;
        this.pos = start;
        this.source = source;
        this.globals = globals;
        this.persistentLoad = persistentLoad;
    }

    /** Where the next pickle starts once {@link #load} has returned (the legacy torch format puts several in a row). */
    public long position() {
        return pos;
    }

    /** Reads one pickle, up to and including its STOP, and returns its value. */
    public Object load() {
        stack.clear();
        marks.clear();
        memo.clear();
        while (true) {
            long at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO: the version; the opcodes below are what matters
                case 0x95 -> pos += 8; // FRAME: a length hint for buffered readers
                case '.' -> { // STOP
                    if (stack.size() != 1) throw error(at, "STOP with " + stack.size() + " values on the stack instead of 1");
                    return stack.removeLast();
                }
                case '(' -> marks.push(stack.size()); // MARK
                case ')' -> stack.add(List.of()); // EMPTY_TUPLE
                case ']' -> stack.add(new ArrayList<>()); // EMPTY_LIST
                case '}' -> stack.add(new LinkedHashMap<>()); // EMPTY_DICT
                case 'N' -> stack.add(null); // NONE
                case 0x88 -> stack.add(Boolean.TRUE); // NEWTRUE
                case 0x89 -> stack.add(Boolean.FALSE); // NEWFALSE
                case 'K' -> stack.add((long) u8()); // BININT1
                case 'M' -> stack.add((long) (u8() | u8() << 8)); // BININT2
                case 'J' -> { // BININT
                    need(4, at);
                    stack.add((long) in.get(I32, pos));
                    pos += 4;
                }
                case 0x8a -> stack.add(long1(u8(), at)); // LONG1
                case 'G' -> { // BINFLOAT: big-endian, unlike everything else
                    need(8, at);
                    stack.add(in.get(F64_BIG_ENDIAN, pos));
                    pos += 8;
                }
                case 'X' -> stack.add(utf8(u32(at), at)); // BINUNICODE
                case 0x8c -> stack.add(utf8(u8(), at)); // SHORT_BINUNICODE
                case 't' -> stack.add(nullSafe(popMark(at))); // TUPLE
                case 0x85 -> stack.add(tupleOfLast(1, at)); // TUPLE1
                case 0x86 -> stack.add(tupleOfLast(2, at)); // TUPLE2
                case 0x87 -> stack.add(tupleOfLast(3, at)); // TUPLE3
                case 'q' -> memo.put((long) u8(), peek(at)); // BINPUT
                case 'r' -> memo.put(u32(at), peek(at)); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek(at)); // MEMOIZE
                case 'h' -> stack.add(memoGet(u8(), at)); // BINGET
                case 'j' -> stack.add(memoGet(u32(at), at)); // LONG_BINGET
                case 'c' -> stack.add(global(line(at) + "." + line(at), at)); // GLOBAL: "module\nname\n"
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at), module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) throw error(at, "STACK_GLOBAL of non-strings");
                    stack.add(global(m + "." + n, at));
                }
                case 'R', 0x81 -> { // REDUCE: f(*args); NEWOBJ: cls.__new__(cls, *args), the same to us
                    Object args = pop(at), f = pop(at);
                    stack.add(call(f, args, at));
                }
                case 'Q' -> stack.add(persistentLoad.apply(pop(at))); // BINPERSID
                case 'b' -> build(pop(at), peek(at), at); // BUILD
                case 's' -> { // SETITEM
                    Object value = pop(at), key = pop(at);
                    dict(peek(at), at).put(key, value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark(at);
                    if (items.size() % 2 != 0) throw error(at, "SETITEMS with an odd number of values");
                    Map<Object, Object> d = dict(peek(at), at);
                    for (int i = 0; i < items.size(); i += 2) d.put(items.get(i), items.get(i + 1));
                }
                case 'a' -> { // APPEND
                    Object value = pop(at);
                    list(peek(at), at).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark(at);
                    list(peek(at), at).addAll(items);
                }
                default -> throw error(at, "refusing to unpickle opcode " + describe(op)
                        + ": torch.save does not write it for a state dict");
            }
        }
    }

    // ---- the opcodes' helpers ------------------------------------------------------------------------------

    private Global global(String name, long at) {
        Global g = globals.get(name);
        if (g == null) throw error(at, "refusing to unpickle global " + name + " (not a tensor, storage or state-dict type)");
        return g;
    }

    @SuppressWarnings("unchecked")
    private Object call(Object f, Object args, long at) {
        if (!(f instanceof Global g) || g.call() == null) throw error(at, "refusing to call " + typeName(f) + ": only whitelisted functions");
        if (!(args instanceof List<?> a)) throw error(at, "arguments of " + g.name() + " are a " + typeName(args) + ", not a tuple");
        try {
            return g.call().apply((List<Object>) a);
        } catch (IllegalArgumentException | ClassCastException | IndexOutOfBoundsException e) {
            throw error(at, "bad arguments to " + g.name() + " " + a + ": " + e.getMessage());
        }
    }

    /**
     * BUILD sets an object's state. The only object torch.save gives state is a state dict's OrderedDict, whose
     * attribute _metadata (module versions) is not one of its items: it is dropped.
     */
    private void build(Object state, Object target, long at) {
        if (!(target instanceof Map<?, ?>)) throw error(at, "refusing BUILD on a " + typeName(target) + ": only a dict's attributes are expected");
        if (state != null && !(state instanceof Map<?, ?>)) throw error(at, "BUILD of a dict with a " + typeName(state) + " state");
    }

    private Object long1(int n, long at) {
        need(n, at);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[n - 1 - i] = in.get(ValueLayout.JAVA_BYTE, pos + i); // little- to big-endian
        pos += n;
        if (n == 0) return 0L;
        BigInteger v = new BigInteger(b); // two's complement, as pickle's LONG1
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String utf8(long n, long at) {
        need(n, at);
        byte[] b = in.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A GLOBAL operand: ASCII up to a newline. */
    private String line(long at) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = u8()) != '\n'; ) {
            if (s.length() > 256) throw error(at, "GLOBAL name longer than 256 characters");
            s.append((char) c);
        }
        return s.toString();
    }

    private List<Object> popMark(long at) {
        if (marks.isEmpty()) throw error(at, "no MARK before this opcode");
        int from = marks.pop();
        List<Object> top = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private List<Object> tupleOfLast(int n, long at) {
        if (stack.size() - (marks.isEmpty() ? 0 : marks.peek()) < n) throw error(at, "stack underflow");
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        List<Object> items = nullSafe(new ArrayList<>(top));
        top.clear();
        return items;
    }

    /** An unmodifiable tuple that may hold None (List.copyOf refuses nulls). */
    private static List<Object> nullSafe(List<Object> items) {
        return java.util.Collections.unmodifiableList(items);
    }

    private Object pop(long at) {
        if (stack.size() <= (marks.isEmpty() ? 0 : marks.peek())) throw error(at, "stack underflow");
        return stack.removeLast();
    }

    private Object peek(long at) {
        if (stack.isEmpty()) throw error(at, "stack underflow");
        return stack.getLast();
    }

    private Object memoGet(long key, long at) {
        if (!memo.containsKey(key)) throw error(at, "memo key " + key + " was never stored");
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, long at) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw error(at, "setting items of a " + typeName(o) + ", not a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, long at) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw error(at, "appending to a " + typeName(o) + ", not a list");
    }

    private int u8() {
        need(1, pos);
        return in.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    private long u32(long at) {
        need(4, at);
        long v = in.get(I32, pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    private void need(long n, long at) {
        if (n > in.byteSize() - pos) {
            throw new IllegalArgumentException(source + ": truncated pickle: the opcode at byte " + at + " needs " + n
                    + " more bytes but " + (in.byteSize() - pos) + " remain");
        }
    }

    private IllegalArgumentException error(long at, String what) {
        return new IllegalArgumentException(source + ": " + what + " (pickle byte " + at + ")");
    }

    private static String describe(int op) {
        return op >= 0x20 && op < 0x7f ? "'" + (char) op + "' (0x" + Integer.toHexString(op) + ")" : "0x" + Integer.toHexString(op);
    }

    static String typeName(Object o) {
        if (o == null) return "None";
        if (o instanceof Global g) return "global " + g.name();
        if (o instanceof String) return "str";
        if (o instanceof Long || o instanceof BigInteger) return "int";
        if (o instanceof Double) return "float";
        if (o instanceof Boolean) return "bool";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof ArrayList<?>) return "list";
        if (o instanceof List<?>) return "tuple";
        return o.getClass().getSimpleName();
    }
}
