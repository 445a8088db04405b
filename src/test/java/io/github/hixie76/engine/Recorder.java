package io.github.hixie76.engine;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An {@link Endpoint} that logs each callback ({@code "open"}, {@code "message:hi"},
 * {@code "error:<message>"}, {@code "close"}) with the thread that ran it, and how many ran at
 * once; what a callback does besides is set by the test. Thread-safe.
 */
final class Recorder implements Endpoint {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger inCallback = new AtomicInteger();
    private final AtomicInteger maxInCallback = new AtomicInteger();
    private volatile Consumer<Session> onOpen = session -> { };
    private volatile BiConsumer<Session, String> onMessage = (session, text) -> { };
    private volatile Consumer<Session> onClose = session -> { };

    Recorder onOpen(Consumer<Session> action) {
        onOpen = action;
        return this;
    }

    Recorder onMessage(BiConsumer<Session, String> action) {
        onMessage = action;
        return this;
    }

    Recorder onClose(Consumer<Session> action) {
        onClose = action;
        return this;
    }

    @Override
    public void onOpen(Session session) {
        inCallback("open", () -> onOpen.accept(session));
    }

    @Override
    public void onMessage(Session session, String text) {
        inCallback("message:" + text, () -> onMessage.accept(session, text));
    }

    @Override
    public void onError(Session session, Throwable error) {
        enter("error:" + error.getMessage());
        errors.add(error);
        inCallback.decrementAndGet();
    }

    @Override
    public void onClose(Session session) {
        inCallback("close", () -> onClose.accept(session));
    }

    /** Runs the test's action for a callback, counted as inside it. */
    private void inCallback(String event, Runnable action) {
        enter(event);
        try {
            action.run();
        } finally {
            inCallback.decrementAndGet();
        }
    }

    private void enter(String event) {
        maxInCallback.accumulateAndGet(inCallback.incrementAndGet(), Math::max);
        events.add(event);
        threads.add(Thread.currentThread());
    }

    List<String> events() {
        return List.copyOf(events);
    }

    List<Thread> threads() {
        return List.copyOf(threads);
    }

    List<Throwable> errors() {
        return List.copyOf(errors);
    }

    int maxInCallback() {
        return maxInCallback.get();
    }
}
