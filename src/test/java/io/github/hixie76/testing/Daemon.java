package io.github.hixie76.testing;

/** Threads of the test scaffolding (acceptors, pipes, log readers) that never keep the JVM alive. */
public final class Daemon {

    private Daemon() {
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
