package io.github.hixie76.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.BrowserTools;
import io.github.hixie76.testing.DemoServer;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo page in a real browser: Debian's headless chromium, driven by playwright-core from
 * src/test/browser/page-driver.js, loads the page from the demo server and chats on /chat with
 * a hixie-76 client of this project. Screenshots go to target/browser/.
 */
class DemoPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target/browser");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final JettyServer SERVER = DemoServer.harness();

    @Test
    void chatsWithAHixie76Client() throws Exception {
        try (Page page = Page.start("demo-chat")) {
            page.run("load " + pageUrl());
            Hixie76Client hixie = SERVER.connect("/chat"); // in the room whether or not the page gets in
            awaitOpen(page, "#state", "/chat");

            page.run("type #chat-input from the page: grüße");
            page.run("click #chat-send");
            assertEquals("from the page: grüße", hixie.awaitMessage(WAIT));
            hixie.send("from hixie-76: grüße");
            page.run("wait-line " + WAIT.toMillis() + " #chat-log from hixie-76: grüße");

            assertTrue(Files.size(page.screenshot()) > 0, "an empty screenshot");
        }
    }

    @Test
    void echoesInTheEchoBox() throws Exception {
        try (Page page = Page.start("demo-echo")) {
            page.run("load " + pageUrl());
            awaitOpen(page, "#echo-state", "/echo");
            page.run("type #echo-input ping");
            page.run("click #echo-send");
            page.run("wait-line " + WAIT.toMillis() + " #echo-log \u2190 ping");
        }
    }

    @Test
    void saysSoWhereWebSocketIsMissing() throws Exception {
        try (Page page = Page.start("demo-no-websocket")) {
            page.run("load " + pageUrl() + " without-websocket");
            assertEquals("unavailable: this browser has no WebSocket", page.run("text #state"));
            String message = page.run("text #missing");
            assertTrue(message.startsWith("This browser has no WebSocket (window.WebSocket is undefined)"), message);
            assertTrue(Files.size(page.screenshot()) > 0, "an empty screenshot");
        }
    }

    private static String pageUrl() {
        return "http://127.0.0.1:" + SERVER.port() + "/";
    }

    /** Waits for the state to leave "connecting"; unless it says "open" then, the test fails saying why. */
    private static void awaitOpen(Page page, String state, String path) {
        String now = page.run("wait-change " + WAIT.toMillis() + " " + state + " connecting");
        if (!now.equals("open")) {
            throw page.failure("the page's " + path + " connection did not open: " + now + "\n" + path
                    + " answers an RFC 6455 handshake (as today's browsers send it) with: " + rfc6455Answer(path));
        }
    }

    /** The status line and reason with which the server answers an RFC 6455 handshake. */
    private static String rfc6455Answer(String path) {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + SERVER.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawSocket.Head head = raw.readHead();
            List<String> length = head.all("Content-Length");
            String body = length.isEmpty() ? "" : new String(raw.readExactly(Integer.parseInt(length.get(0))), UTF_8);
            return head.statusLine() + " " + body.trim();
        } catch (IOException | RuntimeException e) {
            return "no answer: " + e;
        }
    }

    /**
     * page-driver.js in a process of its own, one page of chromium: a command per line on its
     * standard input, an answer per line ("ok ..." or "fail ...") on its output; its other lines
     * are the page's console. Used by one test thread.
     */
    private static final class Page implements AutoCloseable {
        private static final Duration ANSWER = Duration.ofSeconds(30);

        private final String name;
        private final Process process;
        private final PrintStream commands;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final List<String> console = new CopyOnWriteArrayList<>();

        private Page(String name, Process process) {
            this.name = name;
            this.process = process;
            this.commands = new PrintStream(process.getOutputStream(), true, UTF_8);
            Thread reader = new Thread(this::readOutput, name + "-driver");
            reader.setDaemon(true);
            reader.start();
        }

        static Page start(String name) throws Exception {
            if (!Files.isExecutable(CHROMIUM)) {
                fail(CHROMIUM + " is missing: the browser tests drive Debian's chromium; apt-get install chromium"
                        + " (.ci/run does so)");
            }
            Files.createDirectories(SCREENSHOTS);
            ProcessBuilder driver = new ProcessBuilder(BrowserTools.command("page-driver.js", CHROMIUM.toString()));
            Page page = new Page(name, BrowserTools.environment(driver).redirectErrorStream(true).start());
            String ready = page.answer(Duration.ofSeconds(60));
            if (!ready.startsWith("ok ready")) {
                page.close();
                fail("chromium did not start: " + ready + "\n" + String.join("\n", page.console));
            }
            return page;
        }

        /** The command's answer after "ok "; else the test fails with the page's state and console. */
        String run(String command) {
            String answer = ask(command);
            if (!answer.startsWith("ok")) {
                throw failure(command + ": " + answer);
            }
            return answer.substring(Math.min(3, answer.length()));
        }

        /** The command's whole answer line, or why there was none. */
        String ask(String command) {
            if (!process.isAlive()) {
                return "fail the driver has ended";
            }
            answers.clear(); // a late answer to an earlier command that timed out
            commands.println(command);
            return answer(ANSWER);
        }

        /** The whole page as target/browser/NAME.png. */
        Path screenshot() {
            Path file = SCREENSHOTS.resolve(name + ".png").toAbsolutePath();
            run("screenshot " + file);
            return file;
        }

        AssertionError failure(String what) {
            Path screenshot = SCREENSHOTS.resolve(name + "-failed.png").toAbsolutePath();
            return new AssertionError(what
                    + "\npage state: #state " + quoted(ask("text #state")) + ", #echo-state " + quoted(ask("text #echo-state"))
                    + "\nscreenshot: " + screenshot + " " + quoted(ask("screenshot " + screenshot)) + " bytes"
                    + "\nbrowser console:\n  " + String.join("\n  ", console));
        }

        private static String quoted(String answer) {
            return answer.startsWith("ok ") ? "\"" + answer.substring(3) + "\"" : "(" + answer + ")";
        }

        private String answer(Duration deadline) {
            try {
                String answer = answers.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
                return answer != null ? answer : "fail no answer within " + deadline.toSeconds() + " s";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "fail interrupted";
            }
        }

        private void readOutput() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    (line.startsWith("ok") || line.startsWith("fail ") ? answers : console).add(line);
                }
            } catch (IOException e) {
                console.add("reading the driver: " + e);
            }
            answers.add("fail the driver ended");
        }

        @Override
        public void close() throws InterruptedException {
            commands.close(); // the driver closes chromium and ends
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
