package io.github.hixie76.client;

import io.github.hixie76.protocol.FrameDecoder;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.protocol.FrameSink;
import io.github.hixie76.protocol.ProtocolException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A blocking hixie-76 client, strict as the draft's client is (§4.1): it checks the status,
 * each header, the origin, the location, the subprotocol and the 16-byte digest of the
 * server's answer, and every wait has a timeout. It owns its socket and the messages received
 * but not yet taken.
 *
 * <p>One thread may send ({@link #send}, {@link #writeRaw}, {@link #sendClose}) while another
 * receives ({@link #receive}, {@link #awaitMessage}, {@link #awaitClose}, {@link #awaitEnd});
 * beyond that, one thread uses a client at a time. {@link #close} reads as well as writes.
 * {@link Options} are immutable and may be shared between threads and clients.
 *
 * <p>Longer than 350 lines: {@link Options} stays nested here for source compatibility, with
 * its builder and the deprecated copy-one-field methods; the handshake, the URL and the
 * response head are classes of their own.
 */
public final class Hixie76Client implements Closeable {

    /** The parts of the opening handshake a {@link HandshakeTrace} sees, in the order they happen. */
    public enum HandshakePart {
        /** The request line and header fields as sent, through the blank line (and {@code Content-Length: 8}). */
        REQUEST_HEAD,
        /** The 8 random bytes of key3, sent right after the request head. */
        KEY3,
        /** The status line and header fields as received, through the blank line. */
        RESPONSE_HEAD,
        /** The 16 bytes after the response head, as received (the digest the client then checks). */
        RESPONSE_DIGEST
    }

    /**
     * Sees the bytes of the opening handshake as they are sent and received, before each is
     * checked, so that a failed handshake can be shown too (verbose tools, logs). Runs on the
     * connecting thread.
     */
    @FunctionalInterface
    public interface HandshakeTrace {
        void onBytes(HandshakePart part, byte[] bytes);
    }

    /**
     * Connection options: immutable and thread-safe, made with {@link #builder()} (a
     * {@link Builder} is for one thread).
     *
     * @param origin the Origin header; null derives {@code http://host[:port]} from the URL
     * @param subprotocol Sec-WebSocket-Protocol to request, or null
     * @param connectTimeout bound on the TCP connect
     * @param readTimeout bound on every wait for the server that takes no timeout of its own
     * @param key3AsBody send key3 as a body with {@code Content-Length: 8}, as Netty's client does
     * @param maxMessageSize largest frame accepted from the server
     * @param socketFactory used for ws; wss uses the default SSL factory unless this is an SSLSocketFactory.
     *     Over wss the certificate must also name the URL's host, unless the factory's trust
     *     manager is an {@code X509ExtendedTrustManager} that skips that check
     * @param trace told the handshake bytes as they go, or null
     */
    public record Options(String origin, String subprotocol, Duration connectTimeout, Duration readTimeout,
            boolean key3AsBody, int maxMessageSize, SocketFactory socketFactory, HandshakeTrace trace) {

        public static Options defaults() {
            return new Options(null, null, Duration.ofSeconds(10), Duration.ofSeconds(10), false, 64 << 20, null, null);
        }

        /** A builder that starts from {@link #defaults()}. */
        public static Builder builder() {
            return defaults().toBuilder();
        }

        /** A builder that starts from these options. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** @deprecated use {@code toBuilder().origin(value).build()} */
        @Deprecated
        public Options origin(String value) {
            return toBuilder().origin(value).build();
        }

        /** @deprecated use {@code toBuilder().subprotocol(value).build()} */
        @Deprecated
        public Options subprotocol(String value) {
            return toBuilder().subprotocol(value).build();
        }

        /** @deprecated use {@code toBuilder().connectTimeout(value).build()} */
        @Deprecated
        public Options connectTimeout(Duration value) {
            return toBuilder().connectTimeout(value).build();
        }

        /** @deprecated use {@code toBuilder().readTimeout(value).build()} */
        @Deprecated
        public Options readTimeout(Duration value) {
            return toBuilder().readTimeout(value).build();
        }

        /** @deprecated use {@code toBuilder().key3AsBody(value).build()} */
        @Deprecated
        public Options key3AsBody(boolean value) {
            return toBuilder().key3AsBody(value).build();
        }

        /** @deprecated use {@code toBuilder().maxMessageSize(value).build()} */
        @Deprecated
        public Options maxMessageSize(int value) {
            return toBuilder().maxMessageSize(value).build();
        }

        /** @deprecated use {@code toBuilder().socketFactory(value).build()} */
        @Deprecated
        public Options socketFactory(SocketFactory value) {
            return toBuilder().socketFactory(value).build();
        }

        /** @deprecated use {@code toBuilder().trace(value).build()} */
        @Deprecated
        public Options trace(HandshakeTrace value) {
            return toBuilder().trace(value).build();
        }

        void report(HandshakePart part, byte[] bytes) {
            if (trace != null) {
                trace.onBytes(part, bytes.clone());
            }
        }

        /**
         * Collects the values of one {@link Options}; a setter per record component, named as
         * it is. Not thread-safe: one thread fills a builder.
         */
        public static final class Builder {
            private String origin;
            private String subprotocol;
            private Duration connectTimeout;
            private Duration readTimeout;
            private boolean key3AsBody;
            private int maxMessageSize;
            private SocketFactory socketFactory;
            private HandshakeTrace trace;

            private Builder(Options from) {
                origin = from.origin;
                subprotocol = from.subprotocol;
                connectTimeout = from.connectTimeout;
                readTimeout = from.readTimeout;
                key3AsBody = from.key3AsBody;
                maxMessageSize = from.maxMessageSize;
                socketFactory = from.socketFactory;
                trace = from.trace;
            }

            public Builder origin(String value) {
                origin = value;
                return this;
            }

            public Builder subprotocol(String value) {
                subprotocol = value;
                return this;
            }

            public Builder connectTimeout(Duration value) {
                connectTimeout = value;
                return this;
            }

            public Builder readTimeout(Duration value) {
                readTimeout = value;
                return this;
            }

            public Builder key3AsBody(boolean value) {
                key3AsBody = value;
                return this;
            }

            public Builder maxMessageSize(int value) {
                maxMessageSize = value;
                return this;
            }

            public Builder socketFactory(SocketFactory value) {
                socketFactory = value;
                return this;
            }

            public Builder trace(HandshakeTrace value) {
                trace = value;
                return this;
            }

            public Options build() {
                return new Options(origin, subprotocol, connectTimeout, readTimeout, key3AsBody, maxMessageSize,
                        socketFactory, trace);
            }
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Duration readTimeout;
    private final FrameDecoder decoder;
    private final ArrayDeque<String> messages = new ArrayDeque<>();
    private final Map<String, List<String>> responseHeaders;
    private final byte[] buffer = new byte[16 * 1024];
    private final Object writeLock = new Object();
    private boolean closeSent; // guarded by writeLock
    private boolean closeReceived;
    private boolean ended;

    private Hixie76Client(Socket socket, InputStream in, Map<String, List<String>> responseHeaders, Options options)
            throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.responseHeaders = responseHeaders;
        this.readTimeout = options.readTimeout();
        this.decoder = new FrameDecoder(options.maxMessageSize());
    }

    public static Hixie76Client connect(URI uri) throws IOException {
        return connect(uri, Options.defaults());
    }

    /** Opens the connection and completes the handshake, or throws {@link HandshakeException}. */
    public static Hixie76Client connect(URI uri, Options options) throws IOException {
        WebSocketUrl url = WebSocketUrl.of(uri);
        Socket socket = socketFactory(url.secure(), options).createSocket();
        try {
            if (socket instanceof SSLSocket ssl) {
                checkHostName(ssl);
            }
            socket.connect(new InetSocketAddress(uri.getHost(), url.port()), (int) options.connectTimeout().toMillis());
            socket.setSoTimeout((int) options.readTimeout().toMillis());
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            ResponseHead head = ClientHandshake.run(socket.getOutputStream(), in, url, options);
            return new Hixie76Client(socket, in, head.fields(), options);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Throws {@link AssertionError} unless the server refuses the handshake with
     * {@code expectedStatus}, and returns the refusal.
     *
     * @deprecated a test helper: use {@code io.github.hixie76.testing.Rejections} of the testing jar
     */
    @Deprecated(forRemoval = true)
    public static HandshakeException expectRejection(URI uri, Options options, int expectedStatus) throws IOException {
        String expected = "expected the handshake to be refused with " + expectedStatus;
        try {
            connect(uri, options).close();
        } catch (HandshakeException refused) {
            if (refused.status() != expectedStatus) {
                throw new AssertionError(expected + ", got: " + refused.getMessage(), refused);
            }
            return refused;
        }
        throw new AssertionError(expected + ", but the server accepted it (101)");
    }

    /**
     * {@link #expectRejection(URI, Options, int)} with the default options.
     *
     * @deprecated a test helper: use {@code io.github.hixie76.testing.Rejections} of the testing jar
     */
    @Deprecated(forRemoval = true)
    public static HandshakeException expectRejection(URI uri, int expectedStatus) throws IOException {
        return expectRejection(uri, Options.defaults(), expectedStatus);
    }

    /** The server's response header fields, names in lower case. */
    public Map<String, List<String>> responseHeaders() {
        return responseHeaders;
    }

    /**
     * Sends one text frame.
     *
     * @throws IOException also when this client already sent its {@code FF 00}: nothing may follow it (§1.4)
     */
    public void send(String text) throws IOException {
        ByteBuffer frame = FrameEncoder.text(text);
        synchronized (writeLock) {
            if (closeSent) {
                throw new IOException("the closing handshake was sent: no message may follow it");
            }
            write(frame);
        }
    }

    /** Writes bytes as they are, for frames this client does not make itself. */
    public void writeRaw(ByteBuffer bytes) throws IOException {
        synchronized (writeLock) {
            write(bytes);
        }
    }

    /**
     * Starts the closing handshake (§1.4) without waiting: sends {@code FF 00} unless it was
     * sent already. Messages may still arrive until the server's {@code FF 00}.
     */
    public void sendClose() throws IOException {
        synchronized (writeLock) {
            if (!closeSent) {
                closeSent = true;
                write(FrameEncoder.close());
            }
        }
    }

    /**
     * The next text message; null once the server closed (its {@code FF 00} or end of stream).
     *
     * @throws java.net.SocketTimeoutException when nothing came within the read timeout
     */
    public String receive() throws IOException {
        return awaitMessage(readTimeout);
    }

    /**
     * The next text message, waiting at most {@code timeout}; null once the server closed (its
     * {@code FF 00} or end of stream). Messages that came before the close are returned first.
     *
     * @throws java.net.SocketTimeoutException when no message and no close came in time
     */
    public String awaitMessage(Duration timeout) throws IOException {
        readUntil(() -> !messages.isEmpty() || closeReceived || ended, timeout, "a message");
        return messages.poll();
    }

    /** True once the server's closing handshake arrived. */
    public boolean closeReceived() {
        return closeReceived;
    }

    /**
     * Waits at most {@code timeout} for the server to close, and answers its {@code FF 00} with
     * this client's (§1.4). Messages that arrive first are kept for {@link #receive}.
     *
     * @return true when the server sent {@code FF 00}; false when its stream ended without one
     * @throws java.net.SocketTimeoutException when the server did neither in time
     */
    public boolean awaitClose(Duration timeout) throws IOException {
        readUntil(() -> closeReceived || ended, timeout, "the server's closing handshake");
        if (closeReceived && !ended) {
            answerClose();
        }
        return closeReceived;
    }

    /**
     * Waits, within the read timeout, for the server to end the stream; messages that arrive
     * first are kept for {@link #receive}. Returns whether the server sent {@code FF 00} first.
     */
    public boolean awaitEnd() throws IOException {
        readUntil(() -> ended, readTimeout, "the end of the stream");
        return closeReceived;
    }

    /**
     * The closing handshake (§1.4): sends {@code FF 00} and waits within the read timeout for
     * the server's answer and end of stream, then closes the socket. When this client already
     * sent {@code FF 00} ({@link #sendClose}, {@link #awaitClose}) it only closes the socket.
     * Call it when no other thread is receiving.
     */
    @Override
    public void close() throws IOException {
        try {
            boolean wait;
            synchronized (writeLock) {
                wait = !closeSent && !ended && !socket.isClosed();
            }
            if (wait) {
                sendClose();
                awaitEnd();
            }
        } finally {
            socket.close();
        }
    }

    /** Best effort: a server that closed TCP right after its FF 00 cannot be answered, and need not be. */
    private void answerClose() {
        try {
            sendClose();
        } catch (IOException e) {
            // the server is gone already
        }
    }

    private void write(ByteBuffer bytes) throws IOException {
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
    }

    /** Reads until {@code done} holds, each read bounded by what is left of {@code timeout}. */
    private void readUntil(BooleanSupplier done, Duration timeout, String what) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                readSome();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException(what + " did not come within " + timeout.toMillis() + " ms");
            }
        }
    }

    private void readSome() throws IOException {
        int n = in.read(buffer);
        if (n < 0) {
            ended = true;
            return;
        }
        try {
            decoder.decode(ByteBuffer.wrap(buffer, 0, n), new FrameSink() {
                @Override
                public void onText(String text) {
                    messages.add(text);
                }

                @Override
                public void onCloseFrame() {
                    closeReceived = true;
                }
            });
        } catch (ProtocolException e) {
            throw new IOException("server sent a bad frame: " + e.getMessage(), e);
        }
    }

    private static SocketFactory socketFactory(boolean secure, Options options) {
        if (!secure) {
            return options.socketFactory() != null ? options.socketFactory() : SocketFactory.getDefault();
        }
        return options.socketFactory() instanceof SSLSocketFactory ssl ? ssl : SSLSocketFactory.getDefault();
    }

    /** The server's certificate must name the URL's host, as for https (RFC 2818 §3.1). */
    private static void checkHostName(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
    }
}
