package io.github.hixie76.relay;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * Builds a JDK {@link HttpClient} whose selector thread holds nothing of the application that
 * asked for it, so that the thread, which ends only some time after the client is collected
 * (JDK 17 has no {@code HttpClient.close}), does not keep an undeployed application's class
 * loader reachable meanwhile.
 *
 * <p>The JDK makes that thread ({@code HttpClient-N-SelectorManager}) in the client's
 * constructor with {@code new Thread(...)}, which gives it the constructing thread's context
 * class loader and, as its inherited access control context, the protection domains of every
 * class on the constructing stack: a container thread has the application's class loader as
 * its context class loader, and a stack through the application's classes has their domains,
 * each of which refers to that loader. So the client is built on a thread of a
 * {@link ForkJoinPool} of its own (the JDK's default worker factory gives its threads the system
 * class loader and a context of its own, not the caller's), through a {@link Supplier} that is
 * a JDK proxy over a method handle of {@link HttpClient.Builder#build}: no class of the
 * application is on the stack when the selector thread is made. The executor the builder names
 * is another matter: see {@code Relay.close}.
 */
final class DetachedClient {

    private static final MethodHandle BUILD = build();

    private DetachedClient() {
    }

    /** {@code builder.build()}, on a thread that lends the client's threads nothing of the caller. */
    static HttpClient build(HttpClient.Builder builder) {
        @SuppressWarnings("unchecked")
        Supplier<HttpClient> build = MethodHandleProxies.asInterfaceInstance(Supplier.class, BUILD.bindTo(builder));
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            return CompletableFuture.supplyAsync(build, pool).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("the JDK's HttpClient could not be made", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the JDK's HttpClient was made", e);
        } finally {
            pool.shutdown();
        }
    }

    private static MethodHandle build() {
        try {
            return MethodHandles.publicLookup().findVirtual(HttpClient.Builder.class, "build",
                    MethodType.methodType(HttpClient.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
