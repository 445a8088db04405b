package io.github.hixie76.engine;

/**
 * Where a {@link SessionGroup}'s broadcast goes besides the group's own members: the other
 * nodes of a cluster (package {@code cluster}), or nowhere on a single node. Implementations
 * are thread-safe and never block.
 */
@FunctionalInterface
public interface Publisher {

    /** A single node: the local members are everyone. */
    Publisher NONE = text -> {
    };

    /** Hands a broadcast on; returns at once. */
    void publish(String text);
}
