package jtrain.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Malformed JSON is reported as "SOURCE:LINE:COLUMN: invalid JSON: expected WHAT but found WHAT", the position being
 * where the mistake is (or, for a string never closed, where that string opens).
 */
class JsonErrorsTest {
    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Json.parse(text, "config.json")).getMessage();
    }

    @Test
    void textThatIsNotJsonNamesTheWordFoundAndThatAValueWasExpected() {
        assertEquals("config.json:1:1: invalid JSON: expected a value but found 'not'", error("not json"));
        assertEquals("config.json:1:7: invalid JSON: expected a value but found 'True'", error("{\"a\": True}"));
        assertEquals("config.json:1:2: invalid JSON: expected a value but found 'nullify'", error("[nullify]"));
    }

    @Test
    void theLineAndColumnCountFromOne() {
        assertEquals("config.json:3:10: invalid JSON: expected ',' or '}' but found '\"'",
                error("{\n  \"a\": 1,\n  \"c\": 2 \"b\": 3\n}"));
    }

    @Test
    void aMissingSeparatorOrKeyNamesWhatWasExpectedThere() {
        assertEquals("config.json:1:6: invalid JSON: expected ':' after the key but found '1'", error("{\"a\" 1}"));
        assertEquals("config.json:1:2: invalid JSON: expected a quoted key but found 'a'", error("{a: 1}"));
        assertEquals("config.json:1:9: invalid JSON: expected a quoted key but found '}'", error("{\"a\": 1,}"));
        assertEquals("config.json:1:4: invalid JSON: expected ',' or ']' but found '2'", error("[1 2]"));
        assertEquals("config.json:1:4: invalid JSON: expected a value but found ']'", error("[1,]"));
    }

    @Test
    void textAfterTheValueIsNamed() {
        assertEquals("config.json:1:4: invalid JSON: expected the end of the input after the value but found '{'", error("{} {}"));
    }

    @Test
    void anInputThatEndsEarlySaysSo() {
        assertEquals("config.json:1:1: invalid JSON: expected a value but found the end of the input", error(""));
        assertEquals("config.json:1:7: invalid JSON: expected a value but found the end of the input", error("{\"a\": "));
        assertEquals("config.json:1:3: invalid JSON: expected ',' or ']' but found the end of the input", error("[1"));
    }

    @Test
    void aStringNeverClosedIsReportedWhereItOpens() {
        assertEquals("config.json:2:8: invalid JSON: the string that starts here is not closed: no '\"' before the end of the line",
                error("{\"a\": 1,\n  \"b\": \"open, 2}\n"));
        assertEquals("config.json:1:2: invalid JSON: the string that starts here is not closed: no '\"' before the end of the input",
                error("[\"open, 2]"));
        assertEquals("config.json:1:1: invalid JSON: the string that starts here is not closed: no '\"' before the end of the input",
                error("\"ends in a backslash\\"));
    }

    @Test
    void badEscapesAndNumbersShowWhatWasFound() {
        assertEquals("config.json:1:4: invalid JSON: expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) but found '\\x'",
                error("[\"a\\x\"]"));
        assertEquals("config.json:1:3: invalid JSON: expected four hex digits after \\u but found '12g4'", error("[\"\\u12g4\"]"));
        assertEquals("config.json:1:2: invalid JSON: expected a number but found '1.2.3'", error("[1.2.3]"));
        assertEquals("config.json:1:1: invalid JSON: expected a number but found '-'", error("-"));
    }

    @Test
    void aControlCharacterIsNamedByItsCodePoint() {
        assertEquals("config.json:1:2: invalid JSON: expected a value but found the control character U+0000", error("[\u0000]"));
    }

    @Test
    void controlCharactersInsideAStringMustBeEscapedAsRfc8259Says() {
        assertEquals("config.json:1:5: invalid JSON: expected a printable character or an escape inside the string but found the control character U+0009",
                error("[\"ab\tc\"]"));
        assertEquals("config.json:1:3: invalid JSON: expected a printable character or an escape inside the string but found the control character U+0000",
                error("[\"\u0000\"]"));
        assertEquals(List.of("a\tb\u0001"), Json.parse("[\"a\\tb\\u0001\"]"), "the same characters escaped are fine");
    }

    @Test
    void onlySpaceTabAndLineBreaksSeparateTokens() {
        assertEquals(List.of(1L, 2L), Json.parse("[ 1,\t2\r\n]"));
        assertEquals("config.json:1:2: invalid JSON: expected a value but found the control character U+000B", error("[\u000b1]"));
        assertEquals("config.json:1:1: invalid JSON: expected a value but found the control character U+001C", error("\u001c{}"));
    }

    @Test
    void numbersFollowTheJsonGrammarSoLeadingZerosAreRejected() {
        assertEquals("config.json:1:2: invalid JSON: expected a number without leading zeros but found '01'", error("[01]"));
        assertEquals("config.json:1:2: invalid JSON: expected a number without leading zeros but found '-01'", error("[-01]"));
        assertEquals("config.json:1:2: invalid JSON: expected a number without leading zeros but found '00.5'", error("[00.5]"));
        assertEquals("config.json:1:2: invalid JSON: expected a number but found '1.'", error("[1.]"));
        assertEquals("config.json:1:2: invalid JSON: expected a number but found '1.e5'", error("[1.e5]"));
        assertEquals("config.json:1:2: invalid JSON: expected a number but found '1e+'", error("[1e+]"));
        assertEquals(List.of(0L, 0L, 0.5, -0.25, 10L, 1.5e-7, 2e10), Json.parse("[0, -0, 0.5, -0.25, 10, 1.5e-7, 2E+10]"));
    }

    @Test
    void aDocumentThatIsNotAnObjectSaysWhatItIs() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("\n  [1, 2]", "config.json"));
        assertEquals("config.json:2:3: expected a JSON object at the top level but found an array", e.getMessage());
    }

    @Test
    void validDocumentsStillParseIncludingPythonsNonFiniteNumbers() {
        assertEquals(Map.of("a", List.of(1L, 2.5, true, "x\ny")), Json.parse("{\"a\": [1, 2.5, true, \"x\\ny\"]}"));
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY), Json.parse("[NaN, Infinity, -Infinity]"));
        assertEquals(java.util.Arrays.asList(null, false, "\u00e9"), Json.parse("[null,false,\"\\u00e9\"]"));
    }
}
