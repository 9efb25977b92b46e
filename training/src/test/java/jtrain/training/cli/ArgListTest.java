package jtrain.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The shared option parser: values, switches, positional words, help, and errors that name the option. */
class ArgListTest {
    static final Set<String> VALUED = Set.of("--n", "--x", "--seed", "--name");
    static final Set<String> SWITCHES = Set.of("--json");

    static ArgList parse(String... args) {
        return new ArgList(args, VALUED, SWITCHES);
    }

    static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void valuesSwitchesAndWords() {
        ArgList a = parse("--n", " 7 ", "word", "--json", "--x", "-2.5e-3", "--name", "--not-an-option", "-", "--", "--seed", "12345678901");
        assertEquals(7, a.integer("--n", 1));
        assertEquals(-2.5e-3, a.number("--x", 0));
        assertEquals(12345678901L, a.longInteger("--seed", 1));
        assertEquals("--not-an-option", a.string("--name", null), "a value is the next word, unless it is one of the options");
        assertTrue(a.has("--json") && a.has("--n"));
        assertEquals(List.of("word", "-", "--"), a.positional());
        assertFalse(a.help());
    }

    @Test
    void defaultsAndTheLastValueGiven() {
        ArgList a = parse("--n", "1", "--n", "2");
        assertEquals(2, a.integer("--n", 0));
        assertEquals(3.0, a.number("--x", 3.0));
        assertEquals(4L, a.longInteger("--seed", 4));
        assertEquals("d", a.string("--name", "d"));
        assertFalse(a.has("--json") || a.has("--x"));
    }

    @Test
    void everyCommandTakesHelp() {
        assertTrue(parse("-h").help());
        assertTrue(parse("word", "--help").help());
        assertTrue(ArgList.optionsOnly(new String[] {"--help"}, VALUED, Set.of(), "").help());
        assertTrue(parse("--json", "--help", "--bogus", "--n").help(), "nothing after help is read");
        assertEquals("unknown option --bogus", error(() -> parse("--bogus", "--help")));
        assertEquals("--help", parse("--name", "--help").string("--name", null), "the value of an option is not help");
    }

    @Test
    void errorsNameTheOptionAndTheValue() {
        assertEquals("--n needs a value", error(() -> parse("--json", "--n")));
        // A forgotten value does not swallow the next option (which would then fail far from the cause).
        assertEquals("--name needs a value", error(() -> parse("--name", "--n", "3")));
        assertEquals("--name needs a value", error(() -> parse("--name", "--json")));
        assertEquals("unknown option --bogus", error(() -> parse("--bogus")));
        assertEquals("--n needs an integer, got 'ten'", error(() -> parse("--n", "ten").integer("--n", 0)));
        assertEquals("--n needs an integer, got '3000000000'", error(() -> parse("--n", "3000000000").integer("--n", 0)));
        assertEquals("--seed needs an integer, got '1.5'", error(() -> parse("--seed", "1.5").longInteger("--seed", 0)));
        assertEquals("--x needs a number, got 'x'", error(() -> parse("--x", "x").number("--x", 0)));
        assertEquals("--name is required (see --help)", error(() -> parse().required("--name")));
        assertEquals("v", parse("--name", "v").required("--name"));
    }

    @Test
    void textIsTheOnePositionalWord() {
        assertEquals("a b", parse("--json", "a b").text());
        assertEquals("expected exactly one TEXT (quote it), got 0", error(() -> parse("--json").text()));
        assertEquals("expected exactly one TEXT (quote it), got 2", error(() -> parse("a", "b").text()));
    }

    @Test
    void optionsOnlyRejectsWordsWithTheHint() {
        ArgList a = ArgList.optionsOnly(new String[] {"--n", "5", "--json"}, VALUED, SWITCHES, " (see --help)");
        assertEquals(5, a.integer("--n", 0));
        assertTrue(a.has("--json"));
        assertEquals("unknown option word (see --help)",
                error(() -> ArgList.optionsOnly(new String[] {"word"}, VALUED, SWITCHES, " (see --help)")));
        assertEquals("unknown option --bogus\nusage",
                error(() -> ArgList.optionsOnly(new String[] {"--json", "--bogus"}, VALUED, SWITCHES, "\nusage")));
        assertEquals("--n needs a value", error(() -> ArgList.optionsOnly(new String[] {"--n"}, VALUED, SWITCHES, "\nusage")));
    }
}
