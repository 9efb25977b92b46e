package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.engine.io.Json;

class MimeTest {
    static final String B64 = Base64.getMimeEncoder().encodeToString(
            "Second part, base64: café\r\n".getBytes(StandardCharsets.ISO_8859_1));

    // Shaped like the SpamAssassin messages: mbox From line, folded headers, nested multiparts.
    static final String RAW = """
            From 12a1mailbot1@web.de  Thu Aug 22 13:17:22 2002
            Return-Path: <12a1mailbot1@web.de>
            Received: from localhost (localhost [127.0.0.1])
            \tby phobos.labs.example (Postfix) with ESMTP id 136B943C32
            Subject: =?iso-8859-1?Q?Caf=E9_offer?= for
             you
            MIME-Version: 1.0
            Content-Type: multipart/mixed;
            \tboundary="----=_NextPart_000"

            This is a multi-part message in MIME format.

            ------=_NextPart_000
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset="iso-8859-1"
            Content-Transfer-Encoding: quoted-printable

            First part, quoted-printable: caf=E9 and a soft=
             break.
            --alt
            Content-Type: text/html; charset="iso-8859-1"

            <html><body><p>HTML twin that must not be used</p></body></html>
            --alt--

            ------=_NextPart_000
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: base64

            %s
            ------=_NextPart_000
            Content-Type: text/html; charset="utf-8"
            Content-Transfer-Encoding: quoted-printable

            <HTML><HEAD><STYLE>p {color: red}</STYLE><TITLE>t</TITLE></HEAD><BODY><!-- hidden -->
            <P>Click&nbsp;<a href=3D"http://x">here</a> &amp; win&#33;<BR>Only &euro;5 &#x263A;</P>
            </BODY></HTML>
            ------=_NextPart_000
            Content-Type: image/gif; name="x.gif"
            Content-Transfer-Encoding: base64

            R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7
            ------=_NextPart_000--
            """.formatted(B64);

    @Test
    void multipartWithQuotedPrintableBase64AndHtml() {
        Mime.Message m = Mime.parse(RAW);
        assertEquals("Café offer for you", m.subject());
        assertEquals("""
                First part, quoted-printable: café and a soft break.

                Second part, base64: café

                Click here & win!
                Only €5 ☺""", m.body());
    }

    @Test
    void htmlOnlyMessageWithoutContentType() {
        Mime.Message m = Mime.parse("Subject: hi\n\n<html><body>Buy <b>now</b></body></html>\n");
        assertEquals("hi", m.subject());
        assertEquals("Buy now", m.body());
    }

    @Test
    void alternativeWithoutPlainTextUsesTheLastVersion() {
        Mime.Message m = Mime.parse("""
                Content-Type: multipart/alternative; boundary=b

                --b
                Content-Type: text/html

                <p>first</p>
                --b
                Content-Type: text/html

                <p>richer</p>
                --b--
                """);
        assertEquals("richer", m.body());
    }

    @Test
    void plainMessageAndCrLf() {
        Mime.Message m = Mime.parse("Subject: Re: test\r\nFrom: a@b\r\n\r\nline one\r\n\r\n\r\n\r\nline  two\r\n");
        assertEquals("Re: test", m.subject());
        assertEquals("line one\n\nline two", m.body());
    }

    @Test
    void brokenBase64AndMissingBoundaryDoNotThrow() {
        Mime.Message m = Mime.parse("Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n");
        assertEquals("no parts here", m.body());
        assertEquals("ab", Mime.base64("YWI", java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("ab", Mime.base64("YWI=\n", java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void spamAssassinRecord() {
        String json = Json.write(Map.of("id", "00001", "group", "spam-1",
                "checksum", Map.of("type", "MD5", "value", "7848dde101aa985090474a91ec93fcf0"), "text", RAW));
        Email e = SpamAssassin.parse(Json.parseObject(json, "x.json"), "x.json");
        assertEquals("spam-assassin/spam-1/00001", e.docId());
        assertTrue(e.spam());
        assertTrue(e.text().startsWith("Café offer for you\n\nFirst part"));
        TextExample ex = SpamAssassin.examples(java.util.List.of(e)).getFirst();
        assertEquals("spam", ex.label());
        Email ham = SpamAssassin.parse(Map.of("id", "00002", "group", "hard-ham-1", "text", "Subject: x\n\nhi"), "y");
        assertFalse(ham.spam());
    }
}
