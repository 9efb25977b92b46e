package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.io.Json;

class SotuMobyTest {
    @Test
    void sotuRecord() {
        String json = "{\"year\":1790,\"name\":\"George Washington\",\"party\":\"none\",\"text\":\"Fellow-Citizens of"
                + " the Senate and House of Representatives: In meeting you again I feel much satisfaction.\"}";
        Document d = Sotu.parse(Json.parseObject(json, "f"), "1790_george_washington_n", "f");
        assertEquals("sotu/1790_george_washington_n", d.id());
        assertTrue(d.text().startsWith("Fellow-Citizens"));
    }

    @Test
    void mobyDickRecord() {
        String json = "{\"chapter\":\"1\",\"title\":\"Loomings.\",\"text\":\"Call me Ishmael. Some years ago—never"
                + " mind how long precisely.\\n\\nThere now is your insular city.\"}";
        Document d = MobyDick.parse(Json.parseObject(json, "f"), "chapter_1", "f");
        assertEquals("moby-dick/chapter_1", d.id());
        assertTrue(d.text().contains("ago—never"));
        assertTrue(d.text().contains("\n\nThere"));
    }

    @Test
    void missingTextNamesTheFile() {
        DataException e = assertThrows(DataException.class,
                () -> MobyDick.parse(Json.parseObject("{\"chapter\":\"2\"}", "c2"), "chapter_2", "data/chapter_2.json"));
        assertTrue(e.getMessage().contains("data/chapter_2.json"), e.getMessage());
    }
}
