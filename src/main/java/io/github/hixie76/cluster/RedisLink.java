package io.github.hixie76.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One endpoint's connections to Redis, one subscribed to its channel, one to publish on,
 * with their own Lettuce client resources (one I/O thread, one computation thread, Lettuce's
 * timer).
 *
 * <p>Lettuce reconnects a connection that closed (Redis restarted, {@code CLIENT KILL}) and
 * resubscribes by itself, retrying every 100 ms to 1 s. A connection that stays open but
 * stops answering (a frozen Redis, a network path that drops packets silently) closes
 * nothing, so a watchdog PINGs it every half {@link ClusterConfig#timeout()}: a PING without
 * an answer within the timeout closes that connection and opens a new one, which
 * subscribes again. The watchdog also retries a connection that could not be opened at
 * start. It runs on Lettuce's own event executor; no thread of the container waits here.
 *
 * <p>Thread-safe: the connection is a volatile reference swapped by the watchdog and the
 * connect callback; {@link #connection()} may be called from any thread.
 */
final class RedisLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());

    /** Commands a connection holds (queued or awaiting an answer) before it refuses more. */
    static final int REQUEST_QUEUE_SIZE = 10_000;

    private final ClusterConfig config;
    private final String channel;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final Slot<StatefulRedisPubSubConnection<String, String>> subscriber;
    private final Slot<StatefulRedisConnection<String, String>> publisher;
    private final ScheduledFuture<?> watchdog;
    /** One of the client's computation threads, where every call into Lettuce is made, in order. */
    private final EventExecutor calls;
    /** The client's threads, all of them ended once {@link #close} returns. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * Builds the client and starts connecting, on a thread of its own that ends once that is
     * done: Netty leaves a thread-local map in any thread that calls it, and the thread starting
     * the application is a container's, which outlives the application (see {@link #close}).
     * Netty starts there without Flight Recorder support ({@link NettyJfr}, the other thing that
     * would keep the stopped application's class loader).
     */
    static RedisLink open(ClusterConfig config, String channel, RedisPubSubListener<String, String> listener) {
        RedisLink[] link = new RedisLink[1];
        RuntimeException[] failure = new RuntimeException[1];
        Thread opening = new Thread(() -> {
            try {
                if (NettyJfr.initializeOff(RedisLink.class.getClassLoader())) {
                    LOG.log(Level.INFO, "{0}: Netty''s Flight Recorder support is on ({1} set, or Netty started"
                            + " before the bus): stopping this application in a running JVM will leave its class"
                            + " loader reachable", channel, NettyJfr.PROPERTY);
                }
                link[0] = new RedisLink(config, channel, listener);
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "hixie76-redis-open");
        opening.setDaemon(true);
        opening.start();
        try {
            opening.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Redis client", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return link[0];
    }

    private RedisLink(ClusterConfig config, String channel, RedisPubSubListener<String, String> listener) {
        this.config = config;
        this.channel = channel;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .threadFactoryProvider(pool -> task -> {
                    // Netty's own thread type (its thread-locals die with it), remembered so that
                    // close() can wait until each has ended
                    Thread thread = new FastThreadLocalThread(task, "lettuce-" + pool + "-" + threads.size());
                    thread.setDaemon(true);
                    threads.add(thread);
                    return thread;
                })
                .build();
        this.calls = resources.eventExecutorGroup().next();
        this.uri = RedisURI.create(config.redis().toString());
        this.client = RedisClient.create(resources, uri);
        client.setOptions(options(config.timeout()));
        this.subscriber = new Slot<>("subscription", () -> client.connectPubSubAsync(StringCodec.UTF8, uri)
                .thenCompose(opened -> {
                    opened.addListener(listener);
                    return opened.async().subscribe(channel).thenApply(ok -> opened);
                }));
        this.publisher = new Slot<>("publishing", () -> client.connectAsync(StringCodec.UTF8, uri));
        execute(subscriber::connect);
        execute(publisher::connect);
        long every = Math.max(1, config.timeout().toMillis() / 2);
        this.watchdog = resources.eventExecutorGroup().scheduleAtFixedRate(this::check, every, every,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Lettuce as the bus needs it: reconnect by itself; refuse commands while disconnected
     * instead of queuing them (what is published during an outage is lost, not delivered late);
     * a bounded request queue; every command (publish, PING) failed after the timeout.
     */
    private static ClientOptions options(Duration timeout) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .pingBeforeActivateConnection(true)
                .timeoutOptions(TimeoutOptions.builder().fixedTimeout(timeout).build())
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
                .build();
    }

    /**
     * Runs {@code task} on the client's computation thread, in order: every call into Lettuce
     * is made there or on its I/O thread, never on a container's thread (see {@link #close}).
     */
    void execute(Runnable task) {
        try {
            calls.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: what was still to be published is lost with the application
        }
    }

    /** The open publishing connection, or null while there is none (Lettuce may be reconnecting it). */
    StatefulRedisConnection<String, String> publisher() {
        return publisher.get();
    }

    /** Whether both connections are open (one subscribed) and answered their last PING. */
    boolean connected() {
        return subscriber.healthy() && publisher.healthy();
    }

    private void check() {
        if (!closed) {
            subscriber.check();
            publisher.check();
        }
    }

    /**
     * One connection and what keeps it: opened in the background (again when there is none),
     * PINGed by the watchdog, replaced when a PING times out. Thread-safe.
     */
    private final class Slot<C extends StatefulRedisConnection<String, String>> {
        private final String role;
        private final Supplier<CompletionStage<C>> opener;
        private final AtomicBoolean connecting = new AtomicBoolean();
        private final AtomicBoolean pinging = new AtomicBoolean();
        private volatile C connection;
        private volatile boolean answering;

        Slot(String role, Supplier<CompletionStage<C>> opener) {
            this.role = role;
            this.opener = opener;
        }

        C get() {
            C current = connection;
            return current != null && current.isOpen() ? current : null;
        }

        boolean healthy() {
            return get() != null && answering;
        }

        void connect() {
            if (closed || !connecting.compareAndSet(false, true)) {
                return;
            }
            CompletionStage<C> opening;
            try {
                opening = opener.get();
            } catch (RuntimeException e) {
                // the client is shutting down (closed), or refused to start a connection: the
                // watchdog tries again while the link is open
                connecting.set(false);
                if (!closed) {
                    LOG.log(Level.DEBUG, "{0}: cannot open a {1} connection to {2}: {3}", channel, role,
                            config.redisForLogs(), e);
                }
                return;
            }
            opening.whenComplete((opened, error) -> {
                if (error != null || closed) {
                    if (opened != null) {
                        opened.closeAsync();
                    }
                    LOG.log(Level.DEBUG, "{0}: no {1} connection to {2} yet: {3}", channel, role, config.redisForLogs(),
                            error);
                } else {
                    connection = opened;
                    answering = true;
                    LOG.log(Level.INFO, "{0}: {1} connection to {2} open", channel, role, config.redisForLogs());
                }
                connecting.set(false);
            });
        }

        void check() {
            C current = connection;
            if (current == null) {
                connect();
                return;
            }
            if (!current.isOpen() || !pinging.compareAndSet(false, true)) {
                return; // Lettuce is reconnecting it, or the last PING is still out
            }
            current.async().ping().whenComplete((pong, error) -> {
                pinging.set(false);
                answering = error == null;
                if (error instanceof RedisCommandTimeoutException && connection == current && !closed) {
                    LOG.log(Level.WARNING, "{0}: {1} did not answer a PING within {2} ms on the {3} connection:"
                            + " opening a new one", channel, config.redisForLogs(), config.timeout().toMillis(), role);
                    connection = null;
                    current.closeAsync();
                    connect();
                }
            });
        }

        /** Closes the connection; the returned stage completes once it is closed. */
        CompletableFuture<Void> close() {
            C current = connection;
            connection = null;
            return current == null ? CompletableFuture.completedFuture(null) : current.closeAsync();
        }
    }

    /**
     * Closes the connections and stops the client's threads, waiting for them up to twice the
     * timeout. The shutdown runs on a thread of its own that ends with it: Netty leaves a
     * thread-local map in any thread that calls it, and the thread stopping the application is
     * a container's, which outlives the application.
     */
    @Override
    public void close() {
        closed = true;
        long timeout = config.timeout().toMillis();
        Thread closing = new Thread(() -> {
            watchdog.cancel(false);
            // after what is already queued on the calls thread: the last broadcasts (those made
            // as the application's sessions close) are written before the connections close
            Future<?> queued = calls.submit(() -> { });
            queued.awaitUninterruptibly(timeout);
            try {
                // before the client's shutdown, which would close them a second time otherwise
                CompletableFuture.allOf(subscriber.close(), publisher.close()).get(timeout, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.DEBUG, "{0}: closing the connections to {1}: {2}", channel, config.redisForLogs(), e);
            }
            client.shutdown(0, timeout, TimeUnit.MILLISECONDS);
            resources.shutdown(0, timeout, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeout);
            for (Thread thread : threads) {
                try {
                    thread.join(timeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "hixie76-redis-close");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(2 * timeout + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
