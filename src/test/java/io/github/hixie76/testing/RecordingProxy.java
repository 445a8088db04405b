package io.github.hixie76.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A loopback TCP relay between a client under test and the server, recording every byte each
 * side sent: for tests that must show what a third-party client put on the wire and what the
 * server answered, when the client's own API hides it.
 *
 * <p>Each accepted connection is relayed on two threads, every chunk forwarded as it was read,
 * so a client's single write (request head and key3 together) reaches the server as one write;
 * Jetty depends on that (hixie76-notes.md §5).
 *
 * <p>The client's end of stream is recorded but passed on only when the test says so
 * ({@link Connection#passClientEndOn}): until then, when the server closes, it is the server's
 * own doing, which is what closing tests need to see. The server's end of stream is passed on
 * to the client at once. Bytes one side sends after the other has gone are still recorded.
 * {@link #close()} ends every connection.
 *
 * <p>Thread-safe.
 */
public final class RecordingProxy implements Closeable {

    /** How a direction of a relayed connection ended. */
    public enum End { EOF, RESET }

    private final URI target;
    private final ServerSocket listener;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Object accepted = new Object();

    private RecordingProxy(URI target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Daemon.start("recording-proxy-accept-" + listener.getLocalPort(), this::accept);
    }

    /** A proxy to the host and port of {@code target} (a ws:// URI). */
    public static RecordingProxy to(URI target) throws IOException {
        return new RecordingProxy(target);
    }

    /** {@code target} with the proxy's host and port: what the client under test should open. */
    public URI uri() {
        return URI.create(target.getScheme() + "://127.0.0.1:" + listener.getLocalPort() + target.getRawPath()
                + (target.getRawQuery() != null ? "?" + target.getRawQuery() : ""));
    }

    /** The {@code index}-th connection accepted (from 0), waiting up to {@code timeout} for it. */
    public Connection connection(int index, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (accepted) {
            while (connections.size() <= index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("the proxy accepted " + connections.size() + " connections, not "
                            + (index + 1) + ", within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(accepted, left);
            }
        }
        return connections.get(index);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.forEach(Connection::close);
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(target.getHost(), target.getPort()), 10_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Connection connection = new Connection(client, server);
                synchronized (accepted) {
                    connections.add(connection);
                    accepted.notifyAll();
                }
                connection.start();
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** One relayed connection and what each side sent through it. */
    public static final class Connection {

        private final Socket client;
        private final Socket server;
        private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
        private final CompletableFuture<End> clientEnded = new CompletableFuture<>();
        private final CompletableFuture<End> serverEnded = new CompletableFuture<>();
        private final CompletableFuture<Void> clientEndReleased = new CompletableFuture<>();

        private Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        private void start() {
            int port = client.getPort();
            relay(client, server, fromClient, clientEnded, clientEndReleased, "recording-proxy-c2s-" + port);
            relay(server, client, fromServer, serverEnded, CompletableFuture.completedFuture(null),
                    "recording-proxy-s2c-" + port);
        }

        /** Passes the client's end of stream on to the server, now or once it comes. */
        public void passClientEndOn() {
            clientEndReleased.complete(null);
        }

        /** Everything the client sent so far. */
        public byte[] fromClient() {
            synchronized (fromClient) {
                return fromClient.toByteArray();
            }
        }

        /** Everything the server sent so far. */
        public byte[] fromServer() {
            synchronized (fromServer) {
                return fromServer.toByteArray();
            }
        }

        /** Completes when the client's side reached end of stream or was reset. */
        public CompletableFuture<End> clientEnded() {
            return clientEnded;
        }

        /** Completes when the server's side reached end of stream or was reset. */
        public CompletableFuture<End> serverEnded() {
            return serverEnded;
        }

        private void close() {
            closeQuietly(client);
            closeQuietly(server);
        }

        private static void relay(Socket from, Socket to, ByteArrayOutputStream record, CompletableFuture<End> ended,
                CompletableFuture<Void> passEndOn, String name) {
            Daemon.start(name, () -> {
                byte[] buffer = new byte[16 * 1024];
                boolean forwarding = true;
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        synchronized (record) {
                            record.write(buffer, 0, n);
                        }
                        if (forwarding) {
                            try {
                                out.write(buffer, 0, n);
                                out.flush();
                            } catch (IOException gone) {
                                // the other side has gone: keep reading, to see how this side ends
                                forwarding = false;
                            }
                        }
                    }
                    ended.complete(End.EOF);
                } catch (IOException e) {
                    ended.complete(End.RESET);
                }
                passEndOn.thenRun(() -> {
                    try {
                        to.shutdownOutput();
                    } catch (IOException e) {
                        closeQuietly(to);
                    }
                });
            });
        }

        /** The request or response head the given bytes start with, up to the blank line (ISO-8859-1). */
        public static String head(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? text : text.substring(0, end);
        }

        /** The bytes after the head and its blank line; empty when the head is incomplete. */
        public static byte[] afterHead(byte[] bytes) {
            int end = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
            if (end < 0) {
                return new byte[0];
            }
            return java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        }
    }
}
