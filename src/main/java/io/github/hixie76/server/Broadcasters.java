package io.github.hixie76.server;

import io.github.hixie76.api.Broadcaster;
import jakarta.servlet.ServletContext;
import java.util.Map;

/**
 * Broadcasting from outside a session: server-side events, timers, a servlet that posts to a
 * room. {@link #of} gives the {@link Broadcaster} of the application's endpoint mapped at a
 * path; it reaches the same sessions as {@code Session.broadcast} there, on every node when a
 * cluster is configured. Endpoints publish theirs in a context attribute when they start and
 * withdraw it when they stop. Thread-safe.
 */
public final class Broadcasters {

    /** Context attribute: the broadcasters of the application's started endpoints, by path. */
    static final String ATTRIBUTE = "io.github.hixie76.broadcasters";

    private Broadcasters() {
    }

    /**
     * The broadcaster of the endpoint at {@code path} (as mapped: {@code /chat}). It may be
     * taken before the endpoint starts (from a {@code ServletContextListener}): each broadcast
     * finds the endpoint then, and throws IllegalStateException naming the path when no
     * endpoint is started there (not yet, or no more).
     */
    public static Broadcaster of(ServletContext context, String path) {
        return text -> {
            Broadcaster started = all(context).get(path);
            if (started == null) {
                throw new IllegalStateException("no hixie-76 endpoint is started at " + path + "; started: "
                        + all(context).keySet());
            }
            return started.broadcast(text);
        };
    }

    static void publish(ServletContext context, String path, Broadcaster broadcaster) {
        all(context).put(path, broadcaster);
    }

    static void withdraw(ServletContext context, String path, Broadcaster broadcaster) {
        all(context).remove(path, broadcaster);
    }

    private static Map<String, Broadcaster> all(ServletContext context) {
        return ContextMaps.get(context, ATTRIBUTE);
    }
}
