package io.github.hixie76.bench;

import io.github.hixie76.protocol.OpeningHandshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A non-blocking hixie-76 load client: a few selector threads drive thousands of connections.
 * It speaks the draft as a browser does: the request with key1, key2 and key3 in one write (no
 * Content-Length), then checks the status and the 16-byte digest; frames are
 * {@code 00 <payload> FF}, and {@code FF 00} closes. What happens on each connection is up to
 * the phase's {@link Driver}, which runs on the connection's selector thread. A {@code tcp://}
 * URI instead means plain TCP with newline-delimited messages and no handshake (the raw echo
 * server, the benchmark's ceiling); {@link #frame(URI, byte[])} frames for either.
 *
 * <p>Thread-safe entry points: {@link #open}, {@link #closeAll}, {@link #live}; a {@link Conn}
 * is used only from its own thread.
 */
final class LoadClient implements AutoCloseable {

    /** What a phase does with its connections; called on the connection's selector thread. */
    interface Driver {
        default void onOpen(Conn conn) {
        }

        /** A text frame of {@code length} payload bytes; {@code intact} when it equals {@link Conn#expect}. */
        default void onMessage(Conn conn, int length, boolean intact) {
        }

        /** The connection ended; {@code clean} when the closing handshake came and the server closed TCP. */
        default void onEnd(Conn conn, boolean clean) {
        }

        /** Each selector loop, about every millisecond, on the thread that {@link Conn#tick ticks} it. */
        default void tick(Worker worker) {
        }
    }

    /** A handshake ready to send: the request bytes and the digest the server must answer. */
    private record Key(byte[] request, byte[] digest) {
    }

    private static final byte[] CLOSE = {(byte) 0xFF, 0x00};

    final AtomicInteger live = new AtomicInteger();
    final AtomicLong failures = new AtomicLong();
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final int maxConnecting;

    LoadClient(int threads, int maxConnecting) throws IOException {
        this.maxConnecting = maxConnecting;
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker(i);
            workers.add(worker);
            worker.thread.start();
        }
    }

    /** Opens {@code count} connections to a ws:// URI, spread over the selector threads. */
    void open(URI uri, int count, Driver driver) {
        Key[] keys = isRaw(uri) ? new Key[] {null} : isHttp(uri) ? new Key[] {plainRequest(uri)} : keys(uri, 32);
        for (int i = 0; i < count; i++) {
            Worker worker = workers.get(Math.floorMod(next.getAndIncrement(), workers.size()));
            worker.submit(() -> worker.pending.add(new Conn(worker, uri, keys, driver)));
        }
    }

    /** Starts the closing handshake on every open connection, waits for them to end, then drops the rest. */
    void closeAll(long timeoutMillis) throws InterruptedException {
        for (Worker worker : workers) {
            worker.submit(() -> {
                live.addAndGet(-worker.pending.size());
                worker.pending.clear();
                for (Conn conn : List.copyOf(worker.conns)) {
                    conn.close();
                }
            });
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (live.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        for (Worker worker : workers) {
            worker.submit(() -> List.copyOf(worker.conns).forEach(conn -> conn.end(false)));
        }
        while (live.get() > 0 && System.currentTimeMillis() < deadline + 2000) {
            Thread.sleep(10);
        }
    }

    /** Turns latency and count recording on or off on every thread. */
    void recording(boolean on) {
        workers.forEach(worker -> worker.recording = on);
    }

    /** Connections not yet ended, connecting ones included. */
    int live() {
        return live.get();
    }

    /** Latency samples (ns) recorded since the last call, from every thread. */
    long[] drainSamples() throws InterruptedException {
        List<long[]> parts = new ArrayList<>();
        for (Worker worker : workers) {
            java.util.concurrent.CompletableFuture<long[]> part = new java.util.concurrent.CompletableFuture<>();
            worker.submit(() -> {
                part.complete(Arrays.copyOf(worker.samples, worker.sampleCount));
                worker.sampleCount = 0;
            });
            try {
                parts.add(part.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        long[] all = new long[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        for (Worker worker : workers) {
            worker.running = false;
            worker.selector.wakeup();
        }
        for (Worker worker : workers) {
            worker.thread.join(5000);
        }
    }

    private static Key[] keys(URI uri, int count) {
        Random random = new Random(76);
        String host = uri.getHost() + ":" + uri.getPort();
        Key[] keys = new Key[count];
        for (int i = 0; i < count; i++) {
            String key1 = OpeningHandshake.generateKey(random);
            String key2 = OpeningHandshake.generateKey(random);
            byte[] key3 = new byte[8];
            random.nextBytes(key3);
            byte[] digest;
            try {
                digest = OpeningHandshake.response(OpeningHandshake.keyPart("key1", key1),
                        OpeningHandshake.keyPart("key2", key2), key3);
            } catch (io.github.hixie76.protocol.ProtocolException e) {
                throw new IllegalStateException(e);
            }
            byte[] head = ("GET " + uri.getRawPath() + " HTTP/1.1\r\n"
                    + "Upgrade: WebSocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Host: " + host + "\r\n"
                    + "Origin: http://" + host + "\r\n"
                    + "Sec-WebSocket-Key1: " + key1 + "\r\n"
                    + "Sec-WebSocket-Key2: " + key2 + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = Arrays.copyOf(head, head.length + 8);
            System.arraycopy(key3, 0, request, head.length, 8);
            keys[i] = new Key(request, digest);
        }
        return keys;
    }

    /** A message as the URI's server reads it: a text frame, or for {@code tcp://} the payload and a newline. */
    static byte[] frame(URI uri, byte[] payload) {
        if (!isRaw(uri)) {
            return frame(payload);
        }
        byte[] line = Arrays.copyOf(payload, payload.length + 1);
        line[payload.length] = '\n';
        return line;
    }

    static boolean isRaw(URI uri) {
        return uri.getScheme().equals("tcp");
    }

    /** {@code http://}: one plain request per connection, answered with any status, then the server closes. */
    static boolean isHttp(URI uri) {
        return uri.getScheme().equals("http");
    }

    /** A GET of the URI's path as a browser sends it before any upgrade, asking the server to close after. */
    private static Key plainRequest(URI uri) {
        String host = uri.getHost() + ":" + uri.getPort();
        return new Key(("GET " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Origin: http://" + host + "\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), null);
    }

    /** A text frame {@code 00 payload FF}. */
    static byte[] frame(byte[] payload) {
        byte[] frame = new byte[payload.length + 2];
        System.arraycopy(payload, 0, frame, 1, payload.length);
        frame[frame.length - 1] = (byte) 0xFF;
        return frame;
    }

    /** One selector thread and its connections. */
    final class Worker implements Runnable {

        final Thread thread;
        final Selector selector = Selector.open();
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final ArrayDeque<Conn> pending = new ArrayDeque<>();
        final Set<Conn> conns = new HashSet<>();
        final List<Driver> tickers = new ArrayList<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        volatile boolean running = true;
        volatile boolean recording;
        long[] samples = new long[1 << 16];
        int sampleCount;
        int connecting;

        Worker(int index) throws IOException {
            thread = new Thread(this, "bench-client-" + index);
            thread.setDaemon(true);
        }

        void submit(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        void record(long nanos) {
            if (!recording) {
                return;
            }
            if (sampleCount == samples.length) {
                if (samples.length >= 1 << 24) {
                    return;
                }
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            samples[sampleCount++] = nanos;
        }

        /** A new connection from this thread (for phases that replace ended connections). */
        void connect(Conn like) {
            pending.add(new Conn(this, like.uri, like.keys, like.driver));
        }

        @Override
        public void run() {
            while (running) {
                try {
                    selector.select(1);
                    for (Runnable task; (task = tasks.poll()) != null; ) {
                        task.run();
                    }
                    while (connecting < maxConnecting && !pending.isEmpty()) {
                        pending.poll().connect();
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        ((Conn) key.attachment()).ready(key);
                    }
                    selector.selectedKeys().clear();
                    for (Driver ticker : List.copyOf(tickers)) {
                        ticker.tick(this);
                    }
                } catch (IOException | RuntimeException e) {
                    e.printStackTrace();
                }
            }
            conns.forEach(conn -> conn.end(false));
            try {
                selector.close();
            } catch (IOException e) {
                // ending anyway
            }
        }
    }

    /** One client connection; used only on its worker's thread. */
    final class Conn {

        private enum State { CONNECTING, HANDSHAKE, OPEN, CLOSING, ENDED }

        final Worker worker;
        final URI uri;
        final Driver driver;
        private final Key[] keys;
        private final Key key;
        private SocketChannel channel;
        private SelectionKey selectionKey;
        private State state = State.CONNECTING;
        /** Bytes to write, from position to limit. */
        private ByteBuffer out = ByteBuffer.allocate(0);
        /** While a read is handled: what its messages send is written once it is, in one write (as servers and browsers do). */
        private boolean corked;
        private final byte[] head = new byte[1024];
        private int headLength;
        private int headEnd = -1;
        // frames: 0 type byte, 1 text payload, 2 FF's length byte, 3 closed
        private int frameState;
        private int frameLength;
        private boolean intact = true;
        private boolean closeReceived;
        /** The payload a phase expects in the next message, or null for no check. */
        byte[] expect;
        /** When the message now awaited was sent (System.nanoTime). */
        long sentAt;
        /** When the connection was started (System.nanoTime). */
        long startedAt;
        /** Messages a phase counted on this connection (its round trips, for fairness). */
        long count;
        private final boolean raw;
        private long[] inFlight = new long[8];
        private int inFlightHead;
        private int inFlightCount;

        Conn(Worker worker, URI uri, Key[] keys, Driver driver) {
            this.worker = worker;
            this.uri = uri;
            this.keys = keys;
            this.driver = driver;
            this.key = keys[Math.floorMod(System.identityHashCode(this), keys.length)];
            this.raw = isRaw(uri);
            live.incrementAndGet();
        }

        /** Remembers when a message was sent, for {@link #takeSent()} when its echo comes (echoes come in order). */
        void markSent(long nanos) {
            if (inFlightCount == inFlight.length) {
                long[] grown = new long[inFlight.length * 2];
                for (int i = 0; i < inFlightCount; i++) {
                    grown[i] = inFlight[(inFlightHead + i) % inFlight.length];
                }
                inFlight = grown;
                inFlightHead = 0;
            }
            inFlight[(inFlightHead + inFlightCount++) % inFlight.length] = nanos;
        }

        /** When the oldest message not yet echoed was sent, or -1. */
        long takeSent() {
            if (inFlightCount == 0) {
                return -1;
            }
            long nanos = inFlight[inFlightHead];
            inFlightHead = (inFlightHead + 1) % inFlight.length;
            inFlightCount--;
            return nanos;
        }

        /** Sends a text frame (already framed); the payload bytes are not copied when written at once. */
        void sendFrame(byte[] frame) {
            if (state != State.OPEN) {
                return;
            }
            write(ByteBuffer.wrap(frame));
        }

        /** Starts the closing handshake; the connection ends when the server has closed TCP. */
        void close() {
            if (raw) {
                end(true);
            } else if (state == State.OPEN) {
                state = State.CLOSING;
                write(ByteBuffer.wrap(CLOSE));
            } else if (state == State.CONNECTING || state == State.HANDSHAKE) {
                end(false);
            }
        }

        void tick() {
            worker.tickers.add(driver);
        }

        private void connect() {
            startedAt = System.nanoTime();
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                worker.conns.add(this);
                worker.connecting++;
                if (channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()))) {
                    selectionKey = channel.register(worker.selector, 0, this);
                    connected();
                } else {
                    selectionKey = channel.register(worker.selector, SelectionKey.OP_CONNECT, this);
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                end(false);
            }
        }

        private void connected() throws IOException {
            selectionKey.interestOps(SelectionKey.OP_READ);
            if (raw) {
                state = State.OPEN;
                worker.connecting--;
                driver.onOpen(this);
                return;
            }
            state = State.HANDSHAKE;
            write(ByteBuffer.wrap(key.request));
        }

        void ready(SelectionKey selected) {
            try {
                if (!selected.isValid()) {
                    return;
                }
                if (selected.isConnectable()) {
                    channel.finishConnect();
                    connected();
                    return;
                }
                if (selected.isWritable()) {
                    flush();
                }
                if (selected.isValid() && selected.isReadable()) {
                    read();
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                end(false);
            }
        }

        private void read() throws IOException {
            corked = true;
            try {
                readAll();
            } finally {
                corked = false;
            }
            uncork();
        }

        private void readAll() throws IOException {
            ByteBuffer buffer = worker.readBuffer;
            while (state != State.ENDED) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    end(closeReceived);
                    return;
                }
                if (n == 0) {
                    return;
                }
                buffer.flip();
                onBytes(buffer);
                if (n < buffer.capacity()) {
                    return;
                }
            }
        }

        private void onBytes(ByteBuffer in) throws IOException {
            if (state == State.HANDSHAKE) {
                readHandshake(in);
            }
            if (raw) {
                while (in.hasRemaining() && state == State.OPEN) {
                    readText(in, (byte) '\n');
                }
                return;
            }
            while (in.hasRemaining() && (state == State.OPEN || state == State.CLOSING)) {
                switch (frameState) {
                    case 0 -> {
                        int type = in.get() & 0xFF;
                        if (type == 0x00) {
                            frameState = 1;
                            frameLength = 0;
                            intact = true;
                        } else if (type == 0xFF) {
                            frameState = 2;
                        } else {
                            throw new IOException("unexpected frame type " + type);
                        }
                    }
                    case 1 -> readText(in, (byte) 0xFF);
                    case 2 -> {
                        if (in.get() != 0) {
                            throw new IOException("FF with a length");
                        }
                        frameState = 3;
                        closeReceived = true;
                        if (state == State.OPEN) {
                            state = State.CLOSING;
                            write(ByteBuffer.wrap(CLOSE));
                        }
                    }
                    default -> in.position(in.limit());
                }
            }
        }

        private void readText(ByteBuffer in, byte end) {
            byte[] expected = expect;
            int limit = in.limit();
            for (int i = in.position(); i < limit; i++) {
                byte b = in.get(i);
                if (b == end) {
                    in.position(i + 1);
                    frameState = 0;
                    boolean ok = intact && (expected == null || frameLength == expected.length);
                    frameLength = 0;
                    intact = true;
                    driver.onMessage(this, frameLength, ok);
                    return;
                }
                if (expected != null && (frameLength >= expected.length || expected[frameLength] != b)) {
                    intact = false;
                }
                frameLength++;
            }
            in.position(limit);
        }

        private void readHandshake(ByteBuffer in) throws IOException {
            while (in.hasRemaining() && state == State.HANDSHAKE) {
                if (headLength == head.length) {
                    throw new IOException("response head too long");
                }
                head[headLength++] = in.get();
                if (headEnd < 0 && headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                        && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                    headEnd = headLength;
                    if (key.digest == null && new String(head, 0, 9, StandardCharsets.ISO_8859_1).equals("HTTP/1.1 ")) {
                        // a plain request's answer: the rest is its body, then the server closes
                        state = State.CLOSING;
                        frameState = 3;
                        closeReceived = true;
                        worker.connecting--;
                        return;
                    }
                    if (!new String(head, 0, 13, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101 ")) {
                        throw new IOException("refused: " + new String(head, 0, headLength, StandardCharsets.ISO_8859_1));
                    }
                } else if (headEnd >= 0 && headLength == headEnd + 16) {
                    if (!Arrays.equals(head, headEnd, headLength, key.digest, 0, 16)) {
                        throw new IOException("wrong digest");
                    }
                    state = State.OPEN;
                    worker.connecting--;
                    driver.onOpen(this);
                }
            }
        }

        private void write(ByteBuffer bytes) {
            try {
                if (!out.hasRemaining() && !corked) {
                    channel.write(bytes);
                    if (bytes.hasRemaining()) {
                        out = ByteBuffer.allocate(Math.max(bytes.remaining(), 4096)).put(bytes).flip();
                        selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                    return;
                }
                if (out.capacity() - out.limit() < bytes.remaining()) {
                    ByteBuffer grown = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.remaining() + bytes.remaining()));
                    out = grown.put(out).flip();
                }
                int position = out.position();
                out.position(out.limit()).limit(out.limit() + bytes.remaining());
                out.put(bytes).position(position);
            } catch (IOException e) {
                failures.incrementAndGet();
                end(false);
            }
        }

        /** Writes what the read's messages sent; what the socket does not take waits for OP_WRITE. */
        private void uncork() throws IOException {
            if (state == State.ENDED || !out.hasRemaining()) {
                return;
            }
            channel.write(out);
            if (out.hasRemaining()) {
                out.compact().flip();
                selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else {
                out.clear().limit(0);
            }
        }

        private void flush() throws IOException {
            channel.write(out);
            if (!out.hasRemaining()) {
                out.clear().limit(0);
                selectionKey.interestOps(SelectionKey.OP_READ);
            } else {
                out.compact().flip();
            }
        }

        void end(boolean clean) {
            if (state == State.ENDED) {
                return;
            }
            if (state == State.CONNECTING || state == State.HANDSHAKE) {
                worker.connecting--;
            }
            state = State.ENDED;
            worker.conns.remove(this);
            worker.tickers.remove(driver);
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // ended anyway
            }
            live.decrementAndGet();
            driver.onEnd(this, clean);
        }
    }
}
