package io.github.hixie76.testing;

import io.github.hixie76.api.Broadcaster;
import io.github.hixie76.demo.ChatEndpoint;
import io.github.hixie76.server.Broadcasters;
import io.github.hixie76.server.EndpointMetrics;
import jakarta.servlet.ServletContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * One node of a cluster in the test's JVM: an embedded Jetty serving the demo's chat endpoint
 * at /chat (both protocols) with {@code cluster} set to a Redis URI, so that it has its own
 * bus and node id. Started by {@link #start}, stopped by {@link #close}. Not thread-safe.
 */
public final class ClusterNode implements AutoCloseable {

    private final JettyServer server;

    private ClusterNode(JettyServer server) {
        this.server = server;
    }

    /** A started node; {@code settings}: more init-params (clusterTimeoutMs, clusterMaxPendingBytes). */
    public static ClusterNode start(URI redis, Map<String, String> settings) throws Exception {
        Map<String, String> params = new HashMap<>(settings);
        params.put("cluster", redis.toString());
        JettyServer server = JettyServer.endpoints(Map.of("/chat", ChatEndpoint.class), params);
        server.beforeAll(null);
        // the harness's servlets start on their first request: a plain GET (answered 400) starts the endpoint
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/chat"))
                .build(), HttpResponse.BodyHandlers.discarding());
        return new ClusterNode(server);
    }

    public JettyServer server() {
        return server;
    }

    public URI uri() {
        return server.uri("/chat");
    }

    public ServletContext context() {
        return ((ServletContextHandler) server.server().getHandler()).getServletContext();
    }

    /** The chat endpoint's metrics. */
    @SuppressWarnings("unchecked")
    public EndpointMetrics metrics() {
        Map<String, EndpointMetrics> all = (Map<String, EndpointMetrics>) context().getAttribute("io.github.hixie76.metrics");
        return all.values().iterator().next();
    }

    /** The chat endpoint's broadcaster, as an application gets it. */
    public Broadcaster broadcaster() {
        return Broadcasters.of(context(), "/chat");
    }

    @Override
    public void close() throws Exception {
        server.afterAll(null);
    }
}
