package io.github.hixie76.api;

/**
 * Sends a message to every open session of one endpoint: those of this node, at once, and,
 * when the application runs as a cluster (README, "Running more than one node"), those of
 * every other node serving the same endpoint, through the bus. A {@link Session} is one; an
 * application that broadcasts from outside a session (a server-side event, a timer) gets one
 * with {@code io.github.hixie76.server.Broadcasters.of(context, path)}. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface Broadcaster {

    /**
     * Queues {@code text} for every open session of the endpoint on this node and hands it to
     * the bus for the other nodes; returns how many sessions of this node took it. Never
     * blocks: the bus publishes asynchronously, and what it cannot publish it counts as
     * dropped or lost (at most once across nodes).
     */
    int broadcast(String text);
}
