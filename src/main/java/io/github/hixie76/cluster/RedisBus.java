package io.github.hixie76.cluster;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.System.Logger.Level;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.function.Consumer;

/**
 * The bus through Redis pub/sub, for one endpoint on one node: publishes this node's
 * broadcasts on the endpoint's channel, wrapped in an {@link Envelope} with this node's id
 * (random, per deployment) and order, and hands what other nodes publish there to the local
 * sessions; its own publications, which Redis sends back, it ignores.
 *
 * <p>At most once: a publish never blocks the broadcasting thread (Lettuce's async API); one
 * that finds more than {@link ClusterConfig#maxPendingBytes()} awaiting Redis is dropped, one
 * that fails (disconnected, refused, no answer in time) is lost and never retried, with one
 * WARNING per outage. Thread-safe.
 */
final class RedisBus implements Bus {

    private static final System.Logger LOG = System.getLogger(RedisBus.class.getName());

    private final ClusterConfig config;
    private final String channel;
    private final Consumer<String> remote;
    private final BusCounters counters;
    private final String node = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong lostInOutage = new AtomicLong();
    private final AtomicBoolean outage = new AtomicBoolean();
    private final RedisLink link;

    private RedisBus(ClusterConfig config, String channel, Consumer<String> remote, BusCounters counters) {
        this.config = config;
        this.channel = channel;
        this.remote = remote;
        this.counters = counters;
        this.link = RedisLink.open(config, channel, new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                onMessage(message);
            }
        });
    }

    /** A bus on {@code channel}; it connects in the background. */
    static Bus start(ClusterConfig config, String channel, Consumer<String> remote, BusCounters counters) {
        try {
            return new RedisBus(config, channel, remote, counters);
        } finally {
            forgetNettyState();
        }
    }

    @Override
    public void publish(String text) {
        String message = new Envelope(node, sequence.incrementAndGet(), text).encode();
        long bytes = message.length();
        if (pendingBytes.addAndGet(bytes) > config.maxPendingBytes()) {
            pendingBytes.addAndGet(-bytes);
            counters.dropped();
            return;
        }
        // Lettuce is called on its own thread only: Netty leaves a thread-local map in every thread
        // that calls it, and in a container's pool threads that map would keep the stopped
        // application's class loader (Tomcat's leak detection shows it). One thread keeps the order.
        link.execute(() -> send(message, bytes));
        forgetNettyState();
    }

    private void send(String message, long bytes) {
        StatefulRedisConnection<String, String> connection = link.publisher();
        if (connection == null) {
            pendingBytes.addAndGet(-bytes);
            lost("not connected");
            return;
        }
        try {
            connection.async().publish(channel, message).whenComplete((receivers, error) -> {
                pendingBytes.addAndGet(-bytes);
                if (error == null) {
                    published();
                } else {
                    lost(error.toString());
                }
            });
        } catch (RuntimeException e) {
            pendingBytes.addAndGet(-bytes);
            lost(e.toString());
        }
    }

    private void onMessage(String message) {
        Envelope envelope = Envelope.decode(message);
        if (envelope == null) {
            counters.dropped();
        } else if (!envelope.node().equals(node)) {
            counters.received();
            remote.accept(envelope.text());
        }
    }

    private void published() {
        counters.published();
        if (outage.get() && outage.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "{0}: publishing at {1} again; {2} broadcasts to other nodes were lost meanwhile",
                    channel, config.redisForLogs(), lostInOutage.getAndSet(0));
        }
    }

    private void lost(String why) {
        counters.lost();
        lostInOutage.incrementAndGet();
        if (outage.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "{0}: broadcasts to other nodes are lost until Redis at {1} answers again ({2});"
                    + " this node's sessions still get them", channel, config.redisForLogs(), why);
        }
    }

    @Override
    public boolean connected() {
        try {
            return link.connected();
        } finally {
            forgetNettyState();
        }
    }

    @Override
    public String describe() {
        return config.redisForLogs();
    }

    @Override
    public long pendingBytes() {
        return pendingBytes.get();
    }

    @Override
    public void close() {
        try {
            link.close();
        } finally {
            forgetNettyState();
        }
    }

    /**
     * Drops what Netty keeps for the calling thread (its thread-local map) when that thread is
     * not Netty's own: a container's pool thread outlives the application, and the map would
     * keep its class loader after undeploy (Tomcat's leak detection reports it). Netty's
     * {@code FastThreadLocal.removeAll} exists for exactly this.
     */
    private static void forgetNettyState() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            FastThreadLocal.removeAll();
        }
    }
}
