package io.github.hixie76.engine;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine of one hixie-76 connection, after the 101 headers: it waits for key3 and answers
 * with the 16-byte digest (§5.2), decodes frames (§5.3), queues outgoing frames in its
 * {@link Outbound}, runs the closing handshake both ways (§1.4, §6) and calls the application's
 * {@link Endpoint} through {@link EndpointCalls}. It knows nothing of the transport beyond
 * {@link Wire}.
 *
 * <p>Thread-safety: {@link #onData}, {@link #onEnd} and {@link #onCloseFrame} come from one
 * reader at a time (the container serialises read callbacks); everything else may come from
 * any thread. The state, the outbound queue and the timers are guarded by {@code this};
 * application callbacks run outside that lock, one at a time, in order.
 *
 * <p>Longer than 350 lines: every transition of the state machine is here, so that each can
 * be checked against the others under one lock; the queue, the executor and the timers it
 * drives are classes of their own.
 */
public final class Connection implements Session, FrameSink, Member {

    /**
     * Where the connection is. The closing handshake is two half-closes: CLOSE_SENT (ours is
     * out, the peer's is awaited) and CLOSE_RECEIVED (the peer's came; ours is answered or was
     * already out, and the connection ends once it is flushed).
     */
    public enum State { AWAIT_KEY3, OPEN, CLOSE_SENT, CLOSE_RECEIVED, CLOSED }

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    /** A number, made a string only when asked for: every idle connection keeps its fields. */
    private final long id = SessionGroup.nextId();
    private final Wire wire;
    private final Handshake handshake;
    /** The two key numbers (§5.2) in one field, 32 bits each: every idle connection keeps its fields. */
    private final long keyParts;
    private final EndpointContext context;
    private final FrameDecoder decoder;
    private final EndpointCalls calls;
    /** Made when first asked for: most sessions never are. */
    private volatile Map<String, Object> attributes;
    /** Until the digest is sent, then null (reader thread only). */
    private byte[] key3 = new byte[OpeningHandshake.KEY3_LENGTH];
    private int key3Length; // reader thread only
    private volatile long lastActivity;
    /** The {@link WriteBatch} that will write this connection's queue, if any; WriteBatch's alone. */
    volatile WriteBatch pendingIn;

    // guarded by this
    private State state = State.AWAIT_KEY3;
    private final Outbound outbound;
    private Scheduler.Task handshakeTimer;
    private Scheduler.Task closeTimer;
    private Scheduler.Task idleTimer;
    private boolean closeFrameReceived;

    public Connection(Wire wire, Endpoint endpoint, Handshake handshake, long part1, long part2, EndpointContext context) {
        this.wire = wire;
        this.handshake = handshake;
        this.keyParts = part1 << 32 | part2 & 0xFFFF_FFFFL; // the digest takes 32 bits of each
        this.context = context;
        this.decoder = new FrameDecoder(context.limits().maxMessageSize());
        this.outbound = new Outbound(context.limits().maxOutboundBytes());
        this.calls = new EndpointCalls(endpoint, this);
        this.lastActivity = context.scheduler().nanoTime();
    }

    /**
     * Starts the connection once the transport can write. {@code bodyKey3} is key3 when it came
     * as the request body ({@code Content-Length: 8}); null means it follows on the stream.
     */
    public void start(byte[] bodyKey3) {
        context.group().started(this);
        if (bodyKey3 != null) {
            onData(ByteBuffer.wrap(bodyKey3));
            return;
        }
        synchronized (this) {
            if (state == State.AWAIT_KEY3) {
                handshakeTimer = context.scheduler().schedule(this::onHandshakeTimeout,
                        context.limits().handshakeTimeout().toNanos());
            }
        }
    }

    // ---- transport events

    /**
     * Bytes from the client; the buffer is not kept. What the callbacks of this read send is
     * written once the read is handled, in one write per connection ({@link WriteBatch}).
     */
    public void onData(ByteBuffer in) {
        WriteBatch batch = WriteBatch.open();
        try {
            read(in);
        } finally {
            if (batch != null) {
                batch.close();
            }
        }
    }

    private void read(ByteBuffer in) {
        lastActivity = context.scheduler().nanoTime();
        context.counters().received(in.remaining());
        if (key3 != null) {
            int n = Math.min(in.remaining(), key3.length - key3Length);
            in.get(key3, key3Length, n);
            key3Length += n;
            if (key3Length < key3.length) {
                return;
            }
            byte[] complete = key3;
            key3 = null;
            if (!open(complete)) {
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
    public void onEnd() {
        terminate(null);
    }

    /** A read or write failure reported by the container. */
    public void onError(Throwable error) {
        terminate(error);
    }

    /** The transport may be written again. */
    public void onWritable() {
        drain();
    }

    /** True once the connection has ended: the transport stops reading. */
    public synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    // ---- frames from the decoder (reader thread)

    @Override
    public void onText(String text) {
        context.counters().messageIn();
        boolean run;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            run = calls.enqueueMessage(text);
        }
        if (run) {
            calls.runQueued();
        }
    }

    /** The peer's {@code FF 00}: answered unless ours is already out; the connection ends once that is flushed. */
    @Override
    public void onCloseFrame() {
        synchronized (this) {
            switch (state) {
                case OPEN -> {
                    outbound.add(FrameEncoder.close());
                    armCloseTimer();
                }
                case CLOSE_SENT -> { }
                default -> {
                    return;
                }
            }
            state = State.CLOSE_RECEIVED;
            closeFrameReceived = true;
        }
        drain();
    }

    // ---- Session

    @Override
    public String id() {
        return Long.toString(id);
    }

    @Override
    public CompletionStage<Void> send(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        return EndpointCalls.sent(offer(FrameEncoder.text(text), done), done, this);
    }

    @Override
    public int broadcast(String text) {
        return context.group().broadcast(text);
    }

    @Override
    public boolean deliver(String text, ByteBuffer hixie76Frame) {
        return offer(hixie76Frame.duplicate(), null);
    }

    @Override
    public String protocol() {
        return Handshake.HIXIE_76;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            state = State.CLOSE_SENT;
            outbound.add(FrameEncoder.close());
            armCloseTimer();
        }
        drain();
    }

    @Override
    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> made = attributes;
        if (made == null) {
            synchronized (this) {
                made = attributes;
                if (made == null) {
                    made = new ConcurrentHashMap<>();
                    attributes = made;
                }
            }
        }
        return made;
    }

    /**
     * Whether the peer sent {@code FF 00} (§1.4) before the connection ended, as opposed to
     * going away without it: a relay tells its backend which (RFC 6455 1000 or 1001).
     */
    public synchronized boolean closeFrameReceived() {
        return closeFrameReceived;
    }

    public synchronized State state() {
        return state;
    }

    @Override
    public Handshake handshake() {
        return handshake;
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
        synchronized (this) {
            if (state != State.OPEN) {
                return false;
            }
            if (outbound.offer(frame, done)) {
                frame = null;
            }
        }
        if (frame != null) {
            fail(new IOException("outbound queue would exceed " + context.limits().maxOutboundBytes()
                    + " bytes: the peer is not reading"), "outbound-queue");
            return false;
        }
        if (!WriteBatch.defer(this)) {
            drain();
        }
        return true;
    }

    /** Writes while the transport is ready; ends the connection once a received close is answered and flushed. */
    private void drain() {
        List<CompletableFuture<Void>> written = List.of();
        boolean finished = false;
        IOException failure = null;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            int queued = outbound.size();
            try {
                written = outbound.writeTo(wire, context.counters());
                finished = state == State.CLOSE_RECEIVED && outbound.isFlushed() && wire.isReady();
            } catch (IOException e) {
                failure = e;
            }
            if (outbound.size() < queued) {
                lastActivity = context.scheduler().nanoTime();
            }
        }
        written.forEach(done -> done.complete(null));
        if (failure != null || finished) {
            terminate(failure);
        }
    }

    // ---- opening and ending

    private boolean open(byte[] key3) {
        byte[] answer = OpeningHandshake.response(keyParts >>> 32, keyParts & 0xFFFF_FFFFL, key3);
        boolean run;
        synchronized (this) {
            if (state != State.AWAIT_KEY3) {
                return false;
            }
            state = State.OPEN;
            cancel(handshakeTimer);
            handshakeTimer = null; // a cancelled task would otherwise stay on the heap as long as the connection
            outbound.add(ByteBuffer.wrap(answer));
            scheduleIdleCheck(context.limits().idleTimeout().toNanos());
            context.group().opened(this);
            run = calls.enqueueOpen();
        }
        drain();
        if (run) {
            calls.runQueued();
        }
        return true;
    }

    private void onHandshakeTimeout() {
        synchronized (this) {
            if (state != State.AWAIT_KEY3) {
                return;
            }
        }
        LOG.log(Level.DEBUG, "{0}: no key3 within {1} ms, dropped", this,
                context.limits().handshakeTimeout().toMillis());
        context.counters().dropped("handshake-timeout");
        terminate(null);
    }

    /** Bounds the closing handshake: the connection ends by the close timeout whatever the peer does. */
    private void armCloseTimer() {
        closeTimer = context.scheduler().schedule(this::onCloseTimeout, context.limits().closeTimeout().toNanos());
    }

    private void onCloseTimeout() {
        if (!isClosed()) {
            LOG.log(Level.DEBUG, "{0}: no answer to FF 00 within {1} ms, closed", this,
                    context.limits().closeTimeout().toMillis());
            context.counters().dropped("close-timeout");
            terminate(null);
        }
    }

    /** Off when the idle timeout is 0; otherwise checks again when the connection could next be idle. */
    private void scheduleIdleCheck(long delayNanos) {
        if (!context.limits().idleTimeout().isZero()) {
            idleTimer = context.scheduler().schedule(this::checkIdle, delayNanos);
        }
    }

    private void checkIdle() {
        long idle = context.scheduler().nanoTime() - lastActivity;
        long limit = context.limits().idleTimeout().toNanos();
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            if (idle < limit) {
                scheduleIdleCheck(limit - idle);
                return;
            }
        }
        LOG.log(Level.DEBUG, "{0}: idle for {1} ms, closing", this, context.limits().idleTimeout().toMillis());
        context.counters().dropped("idle-timeout");
        close();
    }

    /** The application is stopping: a best-effort FF 00, then the end, without waiting for an answer. */
    @Override
    public void shutdown() {
        sendCloseIfIdle();
        terminate(null);
    }

    /**
     * Fails the connection: a best-effort {@code FF 00} when nothing else is waiting to be
     * written, then the same end as {@link #terminate}.
     */
    private void fail(Exception reason, String limit) {
        LOG.log(Level.DEBUG, "{0}: failing the connection: {1}", this, reason.getMessage());
        context.counters().dropped(limit);
        sendCloseIfIdle();
        terminate(reason);
    }

    /** {@code FF 00} written at once, when the session is open and nothing else waits to be written. */
    private synchronized void sendCloseIfIdle() {
        if (state == State.OPEN && outbound.isFlushed() && wire.isReady()) {
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

    /** Ends the connection once: closes the transport, fails what is still queued, tells the endpoint. */
    private void terminate(Throwable cause) {
        List<CompletableFuture<Void>> dropped;
        boolean wasOpen;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            wasOpen = state != State.AWAIT_KEY3;
            state = State.CLOSED;
            cancel(handshakeTimer);
            cancel(closeTimer);
            cancel(idleTimer);
            dropped = outbound.clear();
        }
        wire.close();
        if (!dropped.isEmpty()) {
            IOException closed = new IOException("session " + id + " closed before the message was written");
            dropped.forEach(done -> done.completeExceptionally(closed));
        }
        context.group().ended(this);
        if (wasOpen) {
            calls.ended(cause);
        }
    }

    private static void cancel(Scheduler.Task timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
