package io.github.hixie76.rfc6455;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.api.Session;
import io.github.hixie76.engine.Counters;
import io.github.hixie76.engine.Member;
import io.github.hixie76.engine.EndpointCalls;
import io.github.hixie76.engine.SessionGroup;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An RFC 6455 session the container runs, as the application's {@link Endpoint} sees it: the
 * same {@link Session} as a hixie-76 connection. The container's {@code jakarta.websocket}
 * does the protocol; this keeps what the project promises on top: callbacks one at a time and
 * in order ({@code onOpen} first, {@code onClose} once and last), a {@code send} that never
 * blocks, and an outbound queue bounded in bytes, sending one message at a time on the
 * container's async remote (which refuses a second send while one is in flight).
 *
 * <p>Thread-safety: any method from any thread; the queue and the state are guarded by
 * {@code this}; application callbacks run outside that lock through {@link EndpointCalls}.
 */
final class Rfc6455Session implements Session, Member {

    private static final System.Logger LOG = System.getLogger(Rfc6455Session.class.getName());

    private record Pending(String text, long bytes, CompletableFuture<Void> done) {
    }

    private final long id = SessionGroup.nextId();
    private final jakarta.websocket.Session socket;
    private final Handshake handshake;
    private final SessionGroup group;
    private final Counters counters;
    private final long maxOutboundBytes;
    private final EndpointCalls calls;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    // guarded by this
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean open = true;
    private boolean ended;
    private boolean inFlight;
    private boolean pumping;
    /** Set once the session closes: sent to the container once the queue before it is handed over. */
    private CloseReason closing;

    Rfc6455Session(jakarta.websocket.Session socket, Endpoint endpoint, Handshake handshake, SessionGroup group,
            Counters counters, long maxOutboundBytes) {
        this.socket = socket;
        this.handshake = handshake;
        this.group = group;
        this.counters = counters;
        this.maxOutboundBytes = maxOutboundBytes;
        this.calls = new EndpointCalls(endpoint, this);
    }

    // ---- container events

    void onOpen() {
        group.opened(this);
        if (calls.enqueueOpen()) {
            calls.runQueued();
        }
    }

    void onText(String text) {
        counters.received(utf8Length(text));
        counters.messageIn();
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        if (calls.enqueueMessage(text)) {
            calls.runQueued();
        }
    }

    /**
     * The container closed the session (either side's close, or the connection's loss); once.
     * {@code limit}: the limit that ended it, for the metrics, or null.
     */
    void onEnd(String limit) {
        List<CompletableFuture<Void>> dropped;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (limit != null) {
                counters.dropped(limit);
            }
            ended = true;
            open = false;
            dropped = new ArrayList<>();
            queue.forEach(pending -> dropped.add(pending.done));
            queue.clear();
            queuedBytes = 0;
        }
        IOException closed = new IOException("session " + id + " closed before the message was written");
        dropped.forEach(done -> done.completeExceptionally(closed));
        group.ended(this);
        calls.ended(null);
    }

    void onError(Throwable error) {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        calls.error(error);
    }

    // ---- Session

    @Override
    public CompletionStage<Void> send(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        return EndpointCalls.sent(offer(text, done), done, this);
    }

    @Override
    public String id() {
        return Long.toString(id);
    }

    @Override
    public int broadcast(String text) {
        return group.broadcast(text);
    }

    /** Closes with 1000 once the messages queued before it are handed to the container; never blocks. */
    @Override
    public void close() {
        closeWith(CloseReason.CloseCodes.NORMAL_CLOSURE, "", false);
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public String toString() {
        return "Rfc6455Session[" + id + " " + handshake.uri() + "]";
    }

    // ---- Member

    @Override
    public boolean deliver(String text, ByteBuffer hixie76Frame) {
        return offer(text, null);
    }

    /** The application is stopping: 1001 at once, on this thread (what is queued is dropped). */
    @Override
    public void shutdown() {
        if (startClosing(CloseReason.CloseCodes.GOING_AWAY, "the application is stopping", true)) {
            sendClose();
        }
    }

    @Override
    public String protocol() {
        return Handshake.RFC_6455;
    }

    // ---- outbound

    /** Queues a message unless the session is closing; over the byte bound, the session closes (1008). */
    private boolean offer(String text, CompletableFuture<Void> done) {
        long bytes = utf8Length(text);
        synchronized (this) {
            if (!open) {
                return false;
            }
            if (queuedBytes + bytes <= maxOutboundBytes) {
                queue.add(new Pending(text, bytes, done));
                queuedBytes += bytes;
                bytes = -1;
            }
        }
        if (bytes >= 0) {
            LOG.log(Level.DEBUG, "{0}: outbound queue would exceed {1} bytes: the peer is not reading", this,
                    maxOutboundBytes);
            counters.dropped("outbound-queue");
            closeWith(CloseReason.CloseCodes.VIOLATED_POLICY, "outbound queue full", true);
            return false;
        }
        pump();
        return true;
    }

    /**
     * Sends queued messages one at a time. A send completed inline (on this thread) is
     * followed by the next in this loop, not by recursion; one completed later by the
     * container's thread resumes the loop there.
     */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                return;
            }
            pumping = true;
        }
        while (true) {
            Pending next;
            synchronized (this) {
                if (inFlight || queue.isEmpty() || ended) {
                    pumping = false;
                    if (!inFlight && queue.isEmpty() && closing != null && !ended) {
                        // everything before the close is handed over: the close may go
                        CompletableFuture.runAsync(this::sendClose);
                    }
                    return;
                }
                next = queue.poll();
                inFlight = true;
            }
            try {
                socket.getAsyncRemote().sendText(next.text, result -> onSent(next, result));
            } catch (RuntimeException e) {
                onSent(next, new SendResult(e));
            }
        }
    }

    private void onSent(Pending sent, SendResult result) {
        synchronized (this) {
            inFlight = false;
            queuedBytes -= sent.bytes;
        }
        if (result.isOK()) {
            counters.sent(sent.bytes, true);
            if (sent.done != null) {
                sent.done.complete(null);
            }
        } else if (sent.done != null) {
            sent.done.completeExceptionally(result.getException());
        }
        pump();
    }

    /**
     * Closes the session without blocking the caller: the container's close blocks until the
     * close frame is written, so it runs on another thread, after the queued messages
     * ({@code dropQueued}: they fail instead).
     */
    private void closeWith(CloseReason.CloseCode code, String reason, boolean dropQueued) {
        if (startClosing(code, reason, dropQueued)) {
            pump();
        }
    }

    /** Marks the session closing; false when it already was. Dropped messages fail at once. */
    private boolean startClosing(CloseReason.CloseCode code, String reason, boolean dropQueued) {
        List<CompletableFuture<Void>> dropped = new ArrayList<>();
        synchronized (this) {
            if (!open) {
                return false;
            }
            open = false;
            closing = new CloseReason(code, reason);
            if (dropQueued) {
                queue.forEach(pending -> dropped.add(pending.done));
                queue.clear();
                queuedBytes = 0;
            }
        }
        IOException closed = new IOException("session " + id + " closed before the message was written");
        dropped.stream().filter(done -> done != null).forEach(done -> done.completeExceptionally(closed));
        return true;
    }

    /** Hands the close to the container (blocking until it is written); once. */
    private void sendClose() {
        CloseReason reason;
        synchronized (this) {
            if (ended || closing == null) {
                return;
            }
            reason = closing;
            closing = null;
        }
        try {
            socket.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, this + ": close " + reason.getCloseCode().getCode(), e);
            onEnd(null);
        }
    }

    /** The bytes of {@code text} in UTF-8, counted without encoding it. */
    static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }
}
