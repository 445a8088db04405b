package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.api.Session;
import io.github.hixie76.protocol.FrameDecoder;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.protocol.FrameSink;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine of one hixie-76 connection, after the 101 headers: it waits for key3 and answers
 * with the 16-byte digest (§5.2), decodes frames (§5.3), queues outgoing frames, runs the
 * closing handshake both ways (§1.4) and calls the application's {@link Endpoint}. It knows
 * nothing of the transport beyond {@link Wire}.
 *
 * <p>Thread-safety: {@link #onData} and {@link #onEnd} come from one reader at a time (the
 * container serialises read callbacks); everything else may come from any thread. The
 * outbound queue and the state are guarded by {@code this}; application callbacks run outside
 * that lock, one at a time, in order, through {@link #dispatch}.
 */
final class Connection implements Session, FrameSink {

    enum State { AWAIT_KEY3, OPEN, CLOSING, CLOSED }

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private record Pending(ByteBuffer bytes, CompletableFuture<Void> done, boolean message) {
    }

    private final String id = Long.toString(IDS.incrementAndGet());
    private final Wire wire;
    private final Endpoint endpoint;
    private final Handshake handshake;
    private final EndpointConfig config;
    private final SessionGroup group;
    private final ScheduledExecutorService timer;
    private final long part1;
    private final long part2;
    private final byte[] key3 = new byte[OpeningHandshake.KEY3_LENGTH];
    private final FrameDecoder decoder;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Queue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger callbacksPending = new AtomicInteger();

    private int key3Length;

    // guarded by this
    private State state = State.AWAIT_KEY3;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean unflushed;
    private boolean closeSent;
    private boolean closeWhenFlushed;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> idleCheck;
    private volatile long lastActivity = System.nanoTime();

    Connection(Wire wire, Endpoint endpoint, Handshake handshake, long part1, long part2,
            EndpointConfig config, SessionGroup group, ScheduledExecutorService timer) {
        this.wire = wire;
        this.endpoint = endpoint;
        this.handshake = handshake;
        this.part1 = part1;
        this.part2 = part2;
        this.config = config;
        this.group = group;
        this.timer = timer;
        this.decoder = new FrameDecoder(config.maxMessageSize());
    }

    /**
     * Starts the connection once the transport can write. {@code bodyKey3} is key3 when it came
     * as the request body ({@code Content-Length: 8}); null means it follows on the stream.
     */
    void start(byte[] bodyKey3) {
        group.started(this);
        if (bodyKey3 != null) {
            onData(ByteBuffer.wrap(bodyKey3));
            return;
        }
        synchronized (this) {
            if (state == State.AWAIT_KEY3) {
                timeout = timer.schedule(this::onHandshakeTimeout,
                        config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    // ---- transport events

    /** Bytes from the client; the buffer is not kept. */
    void onData(ByteBuffer in) {
        lastActivity = System.nanoTime();
        group.metrics().received(in.remaining());
        if (key3Length < key3.length) {
            int n = Math.min(in.remaining(), key3.length - key3Length);
            in.get(key3, key3Length, n);
            key3Length += n;
            if (key3Length < key3.length || !open()) {
                return;
            }
        }
        try {
            decoder.decode(in, this);
        } catch (ProtocolException e) {
            // the decoder's only refusal: a frame over maxMessageSize
            fail(e, "message-size");
        }
    }

    /** The client's end of stream. */
    void onEnd() {
        terminate(null);
    }

    /** A read or write failure reported by the container. */
    void onError(Throwable error) {
        terminate(error);
    }

    /** The transport may be written again. */
    void onWritable() {
        drain();
    }

    // ---- frames from the decoder (reader thread)

    @Override
    public void onText(String text) {
        group.metrics().messageIn();
        boolean run;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            run = enqueue(() -> endpoint.onMessage(this, text));
        }
        if (run) {
            runCallbacks();
        }
    }

    @Override
    public void onCloseFrame() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSING;
            if (!closeSent) {
                closeSent = true;
                append(FrameEncoder.close(), null, false);
            }
            closeWhenFlushed = true;
            endWithinCloseTimeout();
        }
        drain();
    }

    // ---- Session

    @Override
    public String id() {
        return id;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public CompletionStage<Void> send(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offer(FrameEncoder.text(text), done)) {
            done.completeExceptionally(new IOException("session " + id + " is closed"));
        }
        return done;
    }

    @Override
    public int broadcast(String text) {
        return group.broadcast(text);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            state = State.CLOSING;
            closeSent = true;
            append(FrameEncoder.close(), null, false);
            endWithinCloseTimeout();
        }
        drain();
    }

    @Override
    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    synchronized State state() {
        return state;
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + state() + " " + handshake.uri() + "]";
    }

    // ---- outbound

    /**
     * Queues a frame unless the session is no longer open. A frame that would take the queue
     * over its limit fails the connection: the peer is not reading.
     */
    boolean offer(ByteBuffer frame, CompletableFuture<Void> done) {
        boolean overflow = false;
        synchronized (this) {
            if (state != State.OPEN) {
                return false;
            }
            if (queuedBytes + frame.remaining() > config.maxOutboundBytes()) {
                overflow = true;
            } else {
                append(frame, done, true);
            }
        }
        if (overflow) {
            fail(new IOException("outbound queue would exceed " + config.maxOutboundBytes()
                    + " bytes: the peer is not reading"), "outbound-queue");
            return false;
        }
        drain();
        return true;
    }

    private void append(ByteBuffer frame, CompletableFuture<Void> done, boolean message) {
        queue.add(new Pending(frame, done, message));
        queuedBytes += frame.remaining();
    }

    /** Writes while the transport is ready; flushes once the queue is empty. */
    private void drain() {
        List<CompletableFuture<Void>> written = null; // most frames (broadcasts, the digest, FF 00) have no future
        boolean finished = false;
        IOException failure = null;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            try {
                while (!queue.isEmpty() && wire.isReady()) {
                    // Dequeued only once written: a frame whose write fails stays queued, and
                    // terminate fails its future with the rest.
                    Pending next = queue.peek();
                    int size = next.bytes.remaining();
                    wire.write(next.bytes);
                    queue.poll();
                    queuedBytes -= size;
                    unflushed = true;
                    lastActivity = System.nanoTime();
                    group.metrics().sent(size, next.message);
                    if (next.done != null) {
                        if (written == null) {
                            written = new ArrayList<>();
                        }
                        written.add(next.done);
                    }
                }
                if (queue.isEmpty() && unflushed && wire.isReady()) {
                    unflushed = false;
                    wire.flush();
                }
                finished = closeWhenFlushed && queue.isEmpty() && !unflushed && wire.isReady();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (written != null) {
            written.forEach(done -> done.complete(null));
        }
        if (failure != null || finished) {
            terminate(failure);
        }
    }

    // ---- opening and ending

    private boolean open() {
        byte[] answer = OpeningHandshake.response(part1, part2, key3);
        boolean run;
        synchronized (this) {
            if (state != State.AWAIT_KEY3) {
                return false;
            }
            state = State.OPEN;
            cancelTimeout();
            append(ByteBuffer.wrap(answer), null, false);
            scheduleIdleCheck(config.idleTimeout().toNanos());
            group.add(this);
            run = enqueue(() -> endpoint.onOpen(this));
        }
        drain();
        if (run) {
            runCallbacks();
        }
        return true;
    }

    private void onHandshakeTimeout() {
        synchronized (this) {
            if (state != State.AWAIT_KEY3) {
                return;
            }
        }
        LOG.log(Level.DEBUG, "{0}: no key3 within {1} ms, dropped", this, config.handshakeTimeout().toMillis());
        group.metrics().dropped("handshake-timeout");
        terminate(null);
    }

    private void onCloseTimeout() {
        if (state() != State.CLOSED) {
            LOG.log(Level.DEBUG, "{0}: no answer to FF 00 within {1} ms, closed", this, config.closeTimeout().toMillis());
            group.metrics().dropped("close-timeout");
            terminate(null);
        }
    }

    /** Off when the idle timeout is 0; otherwise checks again when the connection could next be idle. */
    private void scheduleIdleCheck(long delayNanos) {
        if (!config.idleTimeout().isZero()) {
            idleCheck = timer.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        long idle = System.nanoTime() - lastActivity;
        long limit = config.idleTimeout().toNanos();
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            if (idle < limit) {
                scheduleIdleCheck(limit - idle);
                return;
            }
        }
        LOG.log(Level.DEBUG, "{0}: idle for {1} ms, closing", this, config.idleTimeout().toMillis());
        group.metrics().dropped("idle-timeout");
        close();
    }

    /** The application is stopping: a best-effort FF 00, then the end, without waiting for an answer. */
    void shutdown() {
        sendCloseIfIdle();
        terminate(null);
    }

    /**
     * Fails the connection: a best-effort {@code FF 00} when nothing else is waiting to be
     * written, then the same end as {@link #terminate}.
     */
    private void fail(Exception reason, String limit) {
        LOG.log(Level.DEBUG, "{0}: failing the connection: {1}", this, reason.getMessage());
        group.metrics().dropped(limit);
        sendCloseIfIdle();
        terminate(reason);
    }

    /** {@code FF 00} written at once, when nothing else waits to be written. */
    private void sendCloseIfIdle() {
        synchronized (this) {
            if (state == State.OPEN && !closeSent && queue.isEmpty() && !unflushed && wire.isReady()) {
                closeSent = true;
                try {
                    wire.write(FrameEncoder.close());
                    if (wire.isReady()) {
                        wire.flush();
                    }
                } catch (IOException e) {
                    // the connection is ending anyway
                }
            }
        }
    }

    /** Ends the connection once: closes the transport, fails what is still queued, tells the endpoint. */
    private void terminate(Throwable cause) {
        List<Pending> dropped;
        boolean wasOpen;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            wasOpen = state != State.AWAIT_KEY3;
            state = State.CLOSED;
            cancelTimeout();
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
        }
        wire.close();
        IOException closed = new IOException("session " + id + " closed before the message was written");
        for (Pending pending : dropped) {
            if (pending.done != null) {
                pending.done.completeExceptionally(closed);
            }
        }
        group.remove(this);
        if (wasOpen) {
            if (cause != null) {
                dispatch(() -> unreported("onError", () -> endpoint.onError(this, cause)));
            }
            // not reported to onError: each is called at most once, and onClose is the last callback
            dispatch(() -> unreported("onClose", () -> endpoint.onClose(this)));
        }
    }

    /** Bounds the closing handshake: the connection ends by the close timeout whatever the peer does. */
    private void endWithinCloseTimeout() {
        if (timeout == null) {
            timeout = timer.schedule(this::onCloseTimeout, config.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /**
     * Runs application callbacks one at a time and in order, on whichever calling thread finds
     * none running; a thread that finds one running leaves its callback to that thread and
     * returns at once, so no container thread ever waits here.
     */
    private void unreported(String name, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, this + ": " + name + " threw", e);
        }
    }

    private void dispatch(Runnable callback) {
        if (enqueue(callback)) {
            runCallbacks();
        }
    }

    /**
     * Queues a callback; true when the caller must run the queue. Called under the lock where
     * the callback depends on the state, so that no callback is queued behind onClose.
     */
    private boolean enqueue(Runnable callback) {
        callbacks.add(callback);
        return callbacksPending.getAndIncrement() == 0;
    }

    private void runCallbacks() {
        do {
            Runnable next = callbacks.poll();
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, this + ": endpoint callback threw", e);
                try {
                    endpoint.onError(this, e);
                } catch (RuntimeException again) {
                    LOG.log(Level.WARNING, this + ": onError threw", again);
                }
            }
        } while (callbacksPending.decrementAndGet() != 0);
    }
}
