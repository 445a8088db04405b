package io.github.hixie76.testing;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.server.Hixie76Servlet;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs embedded Jetty 12.1 (ee10) on a free loopback port for a test
 * class: either the demo webapp exactly as {@code jetty-run.xml} configures it, or endpoints
 * registered in code with their init-params. Register it as a static field with
 * {@code @RegisterExtension}.
 */
public final class JettyServer implements BeforeAllCallback, AfterAllCallback {

    private interface Factory {
        Server create() throws Exception;
    }

    private final Factory factory;
    private Server server;

    private JettyServer(Factory factory) {
        this.factory = factory;
    }

    /** The demo webapp as the run command starts it, on a free port. */
    public static JettyServer demo() {
        return new JettyServer(() -> fromXml(Map.of("jetty.http.host", "127.0.0.1", "jetty.http.port", "0")));
    }

    /** Endpoints registered in code: path to endpoint class, each with the given init-params. */
    public static JettyServer endpoints(Map<String, Class<? extends Endpoint>> endpoints, Map<String, String> initParams) {
        return new JettyServer(() -> {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            endpoints.forEach((path, type) -> {
                ServletHolder holder = new ServletHolder(Hixie76Servlet.class);
                Map<String, String> params = new LinkedHashMap<>(initParams);
                params.put("endpoint", type.getName());
                holder.setInitParameters(params);
                holder.setAsyncSupported(true);
                context.addServlet(holder, path);
            });
            server.setHandler(context);
            return server;
        });
    }

    /** Applies jetty-run.xml with the given properties and returns the configured, unstarted server. */
    public static Server fromXml(Map<String, String> properties) throws Exception {
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(Path.of("jetty-run.xml")));
        xml.getProperties().putAll(properties);
        return (Server) xml.configure();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = factory.create();
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** ws://127.0.0.1:port + path */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    public Server server() {
        return server;
    }
}
