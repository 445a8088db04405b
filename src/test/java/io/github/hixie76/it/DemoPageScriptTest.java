package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.BrowserTools;
import io.github.hixie76.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo page's script stays plain ES5, for the hixie-76 browsers (Safari 5, Chrome 6–13,
 * Opera 11): every inline script of webapp/index.html parsed by acorn with {@code ecmaVersion: 5}
 * on Node (src/test/browser/es5-check.js).
 */
class DemoPageScriptTest {

    private static final Path PAGE = Path.of("webapp/index.html");
    private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>(.*?)</script>",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    @Test
    void everyScriptOfThePageIsInlineEs5() throws Exception {
        String html = Files.readString(PAGE);
        Matcher script = SCRIPT.matcher(html);
        int scripts = 0;
        while (script.find()) {
            assertFalse(script.group(1).contains("src"), "the page is one file, its scripts inline: " + script.group(1));
            // Padded with the lines before it, so that acorn's line numbers are the page's.
            String padded = "\n".repeat(html.substring(0, script.start(2)).split("\n", -1).length - 1) + script.group(2);
            assertEquals("ES5", es5Check(padded), PAGE + " must stay plain ES5 for the hixie-76 browsers");
            scripts++;
        }
        assertTrue(scripts > 0, "no <script> in " + PAGE);
    }

    @Test
    void anArrowFunctionIsNotEs5() throws Exception {
        // ES5 reads "(x) =" as an assignment; the '>' of "=>" is where it stops.
        assertEquals("NOT ES5 2:18: Unexpected token", es5Check("var one = 1;\nvar twice = (x) => 2 * x;\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"let a = 1;", "const a = 1;", "var s = `a ${b}`;", "class A {}",
        "fetch('/status');", "new Promise(function (resolve) { resolve(); });"})
    void laterSyntaxAndGlobalsAreNotEs5(String snippet) throws Exception {
        assertTrue(es5Check(snippet).startsWith("NOT ES5 1:"), snippet);
    }

    /** "ES5", or "NOT ES5 line:column: reason"; the exit status must agree. */
    private static String es5Check(String source) throws Exception {
        Command check = Command.run(Path.of("."), BrowserTools.command("es5-check.js"), source, Duration.ofSeconds(30));
        String verdict = check.stdout().trim();
        assertEquals(verdict.equals("ES5"), check.exit() == 0, "exit " + check.exit() + ": " + check.stdout() + check.stderr());
        return verdict;
    }
}
