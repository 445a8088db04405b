package io.github.hixie76.relay;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import io.github.hixie76.engine.Connection;
import io.github.hixie76.engine.Counters;
import io.github.hixie76.engine.Limits;
import io.github.hixie76.engine.Scheduler;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One relayed connection: the {@link Endpoint} of a hixie-76 client's session on one side, the
 * {@link WebSocket.Listener} of its backend connection (RFC 6455, the JDK's client) on the
 * other. Text goes across in order both ways; nothing else does.
 *
 * <p>Longer than 350 lines: both halves of one bridge share the state under one lock, and
 * each transition of one side is checked against the other's here; the listener is the
 * backend's half, as a nested class.
 *
 * <p>Flow control, end to end: a message is requested from the backend ({@link WebSocket#request})
 * only while the client's outbound queue has room for one more of the largest size
 * ({@code maxMessageSize}) within {@code maxOutboundBytes}, so a client that stops reading
 * stops the backend's messages at the backend's TCP window. Messages from the client go to
 * the backend one at a time (the JDK takes one text send at a time); those waiting meanwhile
 * may take {@code maxOutboundBytes}, and one more fails both connections.
 *
 * <p>Closing (hixie-76 has no close codes, draft §1.4): the client's {@code FF 00} closes the
 * backend with 1000, a client gone without it with 1001; the backend's close, whatever its
 * code (logged at FINE), or its failure sends {@code FF 00} to the client. A binary message
 * cannot be carried (hixie-76 text frames only, §5.3): the backend is closed and the client
 * gets {@code FF 00}. The code for that is 1008 (policy violation), named by RFC 6455 §7.4.1 as
 * the one to use where 1003 or 1009 would fit but cannot be sent: the JDK's client refuses to
 * send 1003 and 1009 (its {@code sendClose} fails with IllegalArgumentException). A backend
 * that does not answer a close within the close timeout, or whose client never opens, is
 * aborted.
 *
 * <p>Thread-safety: the session's callbacks come one at a time, and so do the listener's; the
 * two run concurrently. The state shared by both is guarded by {@code this}; neither the
 * session nor the backend is called under that lock.
 */
public final class RelayEndpoint implements Endpoint {

    private static final System.Logger LOG = System.getLogger(RelayEndpoint.class.getName());

    /** What the backend is told for a message the relay cannot carry (see above for why not 1003 or 1009). */
    static final int POLICY_VIOLATION = 1008;

    /** A message for the backend and its size in UTF-8 bytes. */
    private record Pending(String text, long size) {
    }

    private final String name;
    private final URI backendUri;
    private final Limits limits;
    private final Scheduler scheduler;
    private final Counters counters;
    private final Consumer<RelayEndpoint> backendDone;
    private final Listener listener = new Listener();

    // guarded by this
    private WebSocket backend;
    private Session session;
    private boolean clientEnded;
    private boolean backendEnded;
    private boolean backendCloseSent;
    private boolean demanded;
    private long toClientBytes;
    private final ArrayDeque<Pending> toBackend = new ArrayDeque<>();
    private long toBackendBytes;
    private boolean backendSending;
    private int deferredCloseCode;
    private String deferredCloseReason;
    private Scheduler.Task deadline;
    private CompletableFuture<WebSocket> closeSent;

    /** {@code backendDone} is told, once, when the backend connection has ended or is ending by itself. */
    RelayEndpoint(String name, URI backendUri, Limits limits, Scheduler scheduler, Counters counters,
            Consumer<RelayEndpoint> backendDone) {
        this.name = name;
        this.backendUri = backendUri;
        this.limits = limits;
        this.scheduler = scheduler;
        this.counters = counters;
        this.backendDone = backendDone;
    }

    WebSocket.Listener backendListener() {
        return listener;
    }

    /** The backend connection, once the JDK has opened it (its listener's onOpen says the same). */
    void attach(WebSocket socket) {
        synchronized (this) {
            backend = socket;
        }
    }

    /** The backend accepted; a client that has not opened its session by {@code timeout} never will. */
    void expectClientWithin(Duration timeout) {
        synchronized (this) {
            if (session == null && !clientEnded) {
                deadline = scheduler.schedule(this::onClientNeverOpened, timeout.toNanos());
            }
        }
    }

    /** The client is refused after all: the backend connection is closed (1000). */
    void abandon() {
        synchronized (this) {
            clientEnded = true;
        }
        closeBackend(WebSocket.NORMAL_CLOSURE, "");
    }

    // ---- the client's session

    @Override
    public void onOpen(Session opened) {
        boolean closeNow;
        synchronized (this) {
            session = opened;
            cancelDeadline();
            closeNow = backendEnded;
        }
        if (closeNow) {
            opened.close();
        } else {
            requestMore();
        }
    }

    @Override
    public void onMessage(Session from, String text) {
        Pending pending = new Pending(text, Utf8.length(text));
        Pending first = null;
        boolean overflow = false;
        synchronized (this) {
            if (backendEnded || backendCloseSent || deferredCloseCode != 0) {
                return;
            }
            if (toBackendBytes + pending.size > limits.maxOutboundBytes()) {
                overflow = true;
            } else {
                toBackendBytes += pending.size;
                toBackend.add(pending);
                if (!backendSending) {
                    backendSending = true;
                    first = toBackend.poll();
                }
            }
        }
        if (overflow) {
            LOG.log(Level.DEBUG, "{0}: the backend {1} is not reading: over {2} bytes wait for it; closing both", name,
                    backendUri, limits.maxOutboundBytes());
            counters.dropped("backend-queue");
            abortBackend();
            from.close();
        } else if (first != null) {
            sendToBackend(first);
        }
    }

    @Override
    public void onError(Session failed, Throwable error) {
        LOG.log(Level.DEBUG, "{0}: client session failed: {1}", name, error.toString());
    }

    /** The client's end: 1000 to the backend after its {@code FF 00}, 1001 when it went without. */
    @Override
    public void onClose(Session closed) {
        boolean closeFrame = closed instanceof Connection connection && connection.closeFrameReceived();
        synchronized (this) {
            clientEnded = true;
        }
        closeBackend(closeFrame ? WebSocket.NORMAL_CLOSURE : 1001, "");
    }

    // ---- toward the backend

    /** Sends one message and, while sends complete at once, the ones queued after it. */
    private void sendToBackend(Pending first) {
        Pending next = first;
        while (next != null) {
            WebSocket socket;
            synchronized (this) {
                socket = backend;
            }
            Pending sending = next;
            CompletableFuture<WebSocket> sent = socket.sendText(sending.text, true);
            if (!sent.isDone()) {
                sent.whenComplete((done, error) -> {
                    Pending after = sent(sending, error);
                    if (after != null) {
                        sendToBackend(after);
                    }
                });
                return;
            }
            next = sent(sending, sent.handle((done, error) -> error).join());
        }
    }

    /** A send to the backend is done: the next one to send, or null (sending the deferred close, if any). */
    private Pending sent(Pending message, Throwable error) {
        if (error != null) {
            onBackendGone(error);
            return null;
        }
        int closeCode;
        String closeReason;
        synchronized (this) {
            toBackendBytes -= message.size;
            Pending next = toBackend.poll();
            if (next != null) {
                return next;
            }
            backendSending = false;
            closeCode = deferredCloseCode;
            closeReason = deferredCloseReason;
        }
        if (closeCode != 0) {
            sendClose(closeCode, closeReason);
        }
        return null;
    }

    /**
     * Closes the backend with {@code code} once the messages before it are sent, and aborts it
     * when its answer does not come within the close timeout.
     */
    private void closeBackend(int code, String reason) {
        synchronized (this) {
            if (backendEnded || backendCloseSent || deferredCloseCode != 0 || backend == null) {
                return;
            }
            cancelDeadline();
            deadline = scheduler.schedule(this::onBackendCloseTimeout, limits.closeTimeout().toNanos());
            if (backendSending) {
                deferredCloseCode = code;
                deferredCloseReason = reason;
                return;
            }
        }
        sendClose(code, reason);
    }

    private void sendClose(int code, String reason) {
        WebSocket socket;
        CompletableFuture<WebSocket> sent;
        synchronized (this) {
            if (backendCloseSent) {
                return;
            }
            backendCloseSent = true;
            socket = backend;
        }
        sent = socket.sendClose(code, reason);
        synchronized (this) {
            closeSent = sent;
        }
        sent.whenComplete((done, error) -> {
            if (error != null) {
                abortBackend();
            }
        });
        // The answer is a receive like any other: without demand the JDK would not read it.
        // What comes before it is not relayed.
        socket.request(Long.MAX_VALUE);
    }

    private void onBackendCloseTimeout() {
        LOG.log(Level.DEBUG, "{0}: the backend {1} did not answer the close within {2} ms; aborted", name, backendUri,
                limits.closeTimeout().toMillis());
        abortBackend();
    }

    private void onClientNeverOpened() {
        synchronized (this) {
            if (session != null) {
                return;
            }
            clientEnded = true;
        }
        LOG.log(Level.DEBUG, "{0}: the client never completed its handshake; backend {1} aborted", name, backendUri);
        abortBackend();
    }

    /** Ends the backend connection at once: no close frame, nothing more from it. */
    void abortBackend() {
        WebSocket socket;
        boolean first;
        synchronized (this) {
            backendCloseSent = true;
            first = !backendEnded;
            backendEnded = true;
            cancelDeadline();
            socket = backend;
        }
        if (socket != null) {
            socket.abort();
        }
        if (first) {
            backendDone.accept(this);
        }
    }

    /** Whether the backend connection has ended (or is ending by itself). */
    synchronized boolean backendEnded() {
        return backendEnded;
    }

    /**
     * The application is stopping, and its timers with it: nothing would end a backend that does
     * not answer the close the client's end sent it (1001). Returns what completes once that
     * close is written (at once when none is under way); the caller aborts the backend then, or
     * when it will wait no longer.
     */
    CompletableFuture<?> stopping() {
        synchronized (this) {
            return backendEnded || closeSent == null ? CompletableFuture.completedFuture(null)
                    : closeSent.handle((done, error) -> null);
        }
    }

    // ---- toward the client

    /** Asks the backend for one more message (or frame, ping, close) while the client's queue has room for it. */
    private void requestMore() {
        WebSocket socket;
        synchronized (this) {
            if (demanded || session == null || clientEnded || backendEnded || backend == null) {
                return;
            }
            long largest = limits.maxMessageSize() + 2L; // 00 text FF (§5.3)
            if (toClientBytes > 0 && toClientBytes + largest > limits.maxOutboundBytes()) {
                return;
            }
            demanded = true;
            socket = backend;
        }
        socket.request(1);
    }

    private void toClient(String text) {
        long size = Utf8.length(text) + 2L;
        Session client;
        synchronized (this) {
            if (clientEnded || backendCloseSent) {
                return;
            }
            client = session;
            toClientBytes += size;
        }
        client.send(text).whenComplete((done, error) -> {
            synchronized (this) {
                toClientBytes -= size;
            }
            if (error == null) {
                requestMore();
            }
        });
        requestMore();
    }

    private void closeClient() {
        Session client;
        synchronized (this) {
            client = session;
        }
        if (client != null) {
            client.close();
        }
    }

    /** The backend's connection failed (a read or write error, not a close): {@code FF 00} to the client. */
    private void onBackendGone(Throwable error) {
        boolean first;
        synchronized (this) {
            first = !backendEnded;
            backendEnded = true;
            cancelDeadline();
        }
        if (first) {
            LOG.log(Level.DEBUG, "{0}: the backend {1} failed: {2}; closing the client", name, backendUri, error.toString());
            counters.dropped("backend-error");
            backendDone.accept(this);
        }
        closeClient();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    private void received() {
        synchronized (this) {
            demanded = false;
        }
    }

    @Override
    public String toString() {
        return "RelayEndpoint[" + name + " -> " + backendUri + "]";
    }

    /** The backend side: the JDK calls one method at a time, each after a {@link WebSocket#request}. */
    private final class Listener implements WebSocket.Listener {

        /** The parts of a text message that came so far (the JDK may split a message). */
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket socket) {
            synchronized (RelayEndpoint.this) {
                backend = socket;
            }
            // no request yet: the client's session opens later (key3, the digest)
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            received();
            partial.append(data);
            if (partial.length() > limits.maxMessageSize()
                    || last && Utf8.length(partial) > limits.maxMessageSize()) {
                partial.setLength(0);
                LOG.log(Level.DEBUG, "{0}: a message from the backend is over {1} bytes; closing both", name,
                        limits.maxMessageSize());
                counters.dropped("message-size");
                closeBackend(POLICY_VIOLATION, "message too big for the relay (1009)");
                closeClient();
                return null;
            }
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                toClient(text);
            } else {
                requestMore();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            received();
            LOG.log(Level.INFO, "{0}: the backend {1} sent a binary message, which hixie-76 cannot carry; closing"
                    + " the backend (1008) and the client (FF 00)", name, backendUri);
            counters.dropped("backend-binary");
            closeBackend(POLICY_VIOLATION, "binary messages cannot be relayed to hixie-76 (1003)");
            closeClient();
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
            received(); // the JDK answers with a pong; hixie-76 has no ping to carry it to the client
            requestMore();
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            received();
            requestMore();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            boolean first;
            synchronized (RelayEndpoint.this) {
                demanded = false;
                first = !backendEnded;
                backendEnded = true;
                cancelDeadline();
            }
            if (first) {
                backendDone.accept(RelayEndpoint.this); // the JDK ends the connection itself from here
            }
            LOG.log(Level.DEBUG, "{0}: the backend {1} closed with {2}{3}", name, backendUri, statusCode,
                    reason.isEmpty() ? "" : " '" + reason + "'");
            closeClient();
            return null; // the JDK answers with a close of the same code, then closes TCP
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            onBackendGone(error);
        }
    }
}
