package io.github.hixie76.client;

import io.github.hixie76.client.Hixie76Client.HandshakePart;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLException;

/**
 * A command-line hixie-76 client, the counterpart of wscat: connects to a ws:// or wss:// URL,
 * sends each line of standard input as a text message, prints each message received on
 * standard output, and performs the closing handshake at end of input. With {@code -v} the
 * bytes of the opening handshake go to standard error. Text is UTF-8 both ways.
 *
 * <p>Exit status: 0 after a closing handshake (started by either side); 1 when the connection
 * or the opening handshake failed, or the connection ended without a closing handshake; 2 for
 * a usage error.
 *
 * <p>One run owns its client and two daemon threads: one reads standard input and sends, the
 * other receives and prints; the calling thread waits for them and decides the exit status.
 * Runs share nothing, so {@link #run} may be called concurrently.
 */
public final class Wscat {

    static final String USAGE = "usage: wscat [-v] [-o ORIGIN] [-s SUBPROTOCOL] [--cacert FILE | -k] ws[s]://HOST[:PORT]/PATH";

    private static final String HELP = USAGE + "\n"
            + "Sends each line of standard input as a hixie-76 text message and prints each message received.\n"
            + "End of input sends the closing handshake (FF 00) and waits for the server's answer.\n"
            + "  -o, --origin ORIGIN         the Origin header (default: http://HOST[:PORT])\n"
            + "  -s, --subprotocol PROTOCOL  request this Sec-WebSocket-Protocol; the server must echo it\n"
            + "  -v, --verbose               print the opening handshake's bytes to standard error\n"
            + "      --cacert FILE           wss: trust the certificates in FILE (PEM or DER) instead of the JVM's\n"
            + "  -k, --insecure              wss: trust ANY certificate and host name; the connection is encrypted\n"
            + "                              but anyone on the path can impersonate the server: test servers only\n"
            + "  -h, --help                  this text\n"
            + "Exit status: 0 after a closing handshake, 1 when the connection or handshake failed, 2 for usage errors.";

    private enum Kind { INPUT_ENDED, SEND_FAILED, CONNECTION_ENDED }

    /** What a worker thread tells the waiting one; {@code exit} and {@code message} only for CONNECTION_ENDED and SEND_FAILED. */
    private record Event(Kind kind, int exit, String message) {
    }

    private final WscatArguments arguments;
    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean closing;

    private Wscat(WscatArguments arguments, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.arguments = arguments;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, System.in, out, err));
    }

    /**
     * The whole command, in-process: parses {@code args}, connects, relays {@code stdin} and the
     * server's messages until the connection ends, and returns the exit status.
     */
    public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        WscatArguments arguments;
        try {
            arguments = WscatArguments.parse(args);
        } catch (WscatArguments.UsageException e) {
            stderr.println("wscat: " + e.getMessage());
            stderr.println(USAGE);
            return 2;
        }
        if (arguments.help()) {
            stdout.println(HELP);
            return 0;
        }
        return new Wscat(arguments, stdin, stdout, stderr).session();
    }

    private int session() {
        Hixie76Client client;
        try {
            client = Hixie76Client.connect(arguments.uri(), options());
        } catch (HandshakeException e) {
            return fail("handshake with " + arguments.uri() + " failed: " + withoutHtml(e));
        } catch (IOException e) {
            return fail("cannot connect to " + arguments.uri() + ": " + describe(e));
        }
        verbose("* connected; each line of input is a message, end of input closes");
        start("wscat-receive", () -> receive(client));
        start("wscat-send", () -> send(client));
        int exit = awaitEnd(client);
        try {
            client.close();
        } catch (IOException e) {
            // the connection is over either way
        }
        return exit;
    }

    private Hixie76Client.Options options() {
        Hixie76Client.Options.Builder options = Hixie76Client.Options.builder()
                .origin(arguments.origin()).subprotocol(arguments.subprotocol()).socketFactory(arguments.sslSocketFactory());
        if (arguments.verbose()) {
            options.trace(this::trace);
        }
        return options.build();
    }

    /** Waits for the end of the connection: after end of input, only for the server's answer. */
    private int awaitEnd(Hixie76Client client) {
        try {
            Event event = events.take();
            if (event.kind() == Kind.INPUT_ENDED) {
                closing = true;
                client.sendClose();
                verbose("> FF 00 (closing handshake)");
                event = nextEnd();
            } else if (event.kind() == Kind.SEND_FAILED) {
                closing = true;
                nextEnd();
            } else if (client.closeReceived()) {
                answerClose(client);
            }
            if (event.message() != null) {
                stderr.println("wscat: " + oneLine(event.message()));
            }
            return event.exit();
        } catch (IOException e) {
            return fail("connection failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Best effort: a server may close TCP right after its FF 00. */
    private void answerClose(Hixie76Client client) {
        try {
            client.sendClose();
            verbose("> FF 00 (closing handshake answered)");
        } catch (IOException e) {
            verbose("* the closing handshake could not be answered: " + describe(e));
        }
    }

    /** The receiving thread's report, skipping events of the sending thread. */
    private Event nextEnd() throws InterruptedException {
        Event event;
        do {
            event = events.take();
        } while (event.kind() != Kind.CONNECTION_ENDED);
        return event;
    }

    /** The receiving thread: prints messages until the server closes, or until no answer comes while closing. */
    private void receive(Hixie76Client client) {
        try {
            String message;
            while ((message = nextMessage(client)) != null) {
                stdout.println(message);
            }
            stdout.flush();
            if (client.closeReceived()) {
                verbose("< FF 00 (closing handshake)");
                events.add(new Event(Kind.CONNECTION_ENDED, 0, null));
            } else {
                events.add(new Event(Kind.CONNECTION_ENDED, 1, "the server ended the connection without a closing handshake"));
            }
        } catch (SocketTimeoutException e) {
            events.add(new Event(Kind.CONNECTION_ENDED, 1, "no answer to the closing handshake: " + e.getMessage()));
        } catch (IOException e) {
            events.add(new Event(Kind.CONNECTION_ENDED, 1, "connection failed: " + describe(e)));
        }
    }

    /** The next message; a quiet server is waited for as long as input is open. */
    private String nextMessage(Hixie76Client client) throws IOException {
        while (true) {
            try {
                return client.receive();
            } catch (SocketTimeoutException e) {
                if (closing) {
                    throw e;
                }
            }
        }
    }

    /** The sending thread: one message per line of input, then the end of input. */
    private void send(Hixie76Client client) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                client.send(line);
            }
            events.add(new Event(Kind.INPUT_ENDED, 0, null));
        } catch (IOException e) {
            events.add(new Event(Kind.SEND_FAILED, 1, "sending failed: " + describe(e)));
        }
    }

    private void trace(HandshakePart part, byte[] bytes) {
        switch (part) {
            case REQUEST_HEAD -> printHead("> ", bytes);
            case KEY3 -> stderr.println("> key3 (8 bytes, hex): " + HexFormat.of().formatHex(bytes));
            case RESPONSE_HEAD -> printHead("< ", bytes);
            case RESPONSE_DIGEST -> stderr.println("< response (" + bytes.length + " bytes, hex): "
                    + HexFormat.of().formatHex(bytes));
        }
    }

    /** A head's lines without their CR LF, and without the blank line that ends it. */
    private void printHead(String prefix, byte[] head) {
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            stderr.println(prefix + line);
        }
    }

    private void verbose(String line) {
        if (arguments.verbose()) {
            stderr.println(line);
        }
    }

    private int fail(String message) {
        stderr.println("wscat: " + oneLine(message));
        return 1;
    }

    private static void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static String describe(IOException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof UnknownHostException) {
            return "unknown host " + message;
        }
        if (e instanceof SSLException) {
            return "TLS: " + message + " (for a test server's certificate see --cacert and --insecure)";
        }
        return message;
    }

    /** The check that failed, with the server's reason when it is plain text rather than an error page. */
    private static String withoutHtml(HandshakeException e) {
        String body = e.body().strip();
        return body.startsWith("<") ? e.getMessage().replace(" (" + body + ")", " (an HTML error page)") : e.getMessage();
    }

    /** One line, and not too long of one. */
    static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}
