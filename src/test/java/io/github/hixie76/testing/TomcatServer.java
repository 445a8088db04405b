package io.github.hixie76.testing;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.client.Hixie76Client;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The javax testing jar's harness: a JUnit 5 extension that runs embedded Tomcat 9 (javax)
 * on a free loopback port for a test class, with each endpoint class as a
 * {@code Hixie76Servlet} of the javax library at its url-pattern, and closes the clients it
 * connected after each test. The counterpart of {@link JettyServer} for javax builds. It names
 * no Servlet API type, only Tomcat's embedding API and the project's client: the user's build
 * brings {@code tomcat-embed-core} 9 (and {@code tomcat-embed-websocket} for RFC 6455), the
 * javax library jar and JUnit. Register it on a static field with {@code @RegisterExtension}.
 */
public final class TomcatServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final String SERVLET = "io.github.hixie76.server.Hixie76Servlet";

    private final Map<String, Class<? extends Endpoint>> endpoints;
    private final Map<String, String> initParams;
    private final List<Hixie76Client> clients = new ArrayList<>();
    private Tomcat tomcat;
    private Connector connector;

    private TomcatServer(Map<String, Class<? extends Endpoint>> endpoints, Map<String, String> initParams) {
        this.endpoints = Map.copyOf(endpoints);
        this.initParams = Map.copyOf(initParams);
    }

    /** Each endpoint class as a {@code Hixie76Servlet} at its url-pattern, with these init-params. */
    public static TomcatServer endpoints(Map<String, Class<? extends Endpoint>> endpoints, Map<String, String> initParams) {
        return new TomcatServer(endpoints, initParams);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Tomcat created = new Tomcat();
        created.setBaseDir(Files.createTempDirectory("tomcat-server").toString());
        Connector plain = new Connector();
        plain.setPort(0);
        plain.setProperty("address", "127.0.0.1");
        created.setConnector(plain);
        Context root = created.addContext("", null);
        int n = 0;
        for (Map.Entry<String, Class<? extends Endpoint>> endpoint : endpoints.entrySet()) {
            String name = "hixie76-" + n++;
            Wrapper servlet = Tomcat.addServlet(root, name, SERVLET);
            servlet.addInitParameter("endpoint", endpoint.getValue().getName());
            initParams.forEach(servlet::addInitParameter);
            servlet.setAsyncSupported(true);
            servlet.setLoadOnStartup(1);
            root.addServletMappingDecoded(endpoint.getKey(), name);
        }
        try {
            created.start();
        } catch (Exception e) {
            created.stop();
            created.destroy();
            throw e;
        }
        tomcat = created;
        connector = plain;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeClients();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeClients();
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
            tomcat = null;
        }
    }

    /** The connector's port. */
    public int port() {
        if (connector == null) {
            throw new IllegalStateException("the server is not running: register it with @RegisterExtension on a static field");
        }
        return connector.getLocalPort();
    }

    /** ws://127.0.0.1:port + path */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** A client connected to {@link #uri}(path) with the default options; closed after the test. */
    public Hixie76Client connect(String path) throws IOException {
        return connect(uri(path), Hixie76Client.Options.defaults());
    }

    /** A client connected to any URI with these options; closed after the test. */
    public Hixie76Client connect(URI uri, Hixie76Client.Options options) throws IOException {
        Hixie76Client client = Hixie76Client.connect(uri, options);
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** The running Tomcat, for what this class does not cover. */
    public Tomcat tomcat() {
        return tomcat;
    }

    private void closeClients() {
        List<Hixie76Client> open;
        synchronized (clients) {
            open = new ArrayList<>(clients);
            clients.clear();
        }
        for (Hixie76Client client : open) {
            try {
                client.close();
            } catch (IOException e) {
                // closed by the test or the server already
            }
        }
    }
}
