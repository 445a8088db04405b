package io.github.hixie76.testing;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.server.Hixie76Servlet;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
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

    private static final String KEYSTORE_PASSWORD = "hixie76";

    private final Factory factory;
    private final boolean tls;
    private Server server;
    private ServerConnector tlsConnector;

    private JettyServer(Factory factory) {
        this(factory, false);
    }

    private JettyServer(Factory factory, boolean tls) {
        this.factory = factory;
        this.tls = tls;
    }

    /**
     * This server plus a TLS connector on another free port, with a key pair generated for
     * 127.0.0.1 when the server starts; {@link #tlsSocketFactory()} trusts it.
     */
    public JettyServer withTls() {
        return new JettyServer(factory, true);
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
        if (tls) {
            tlsConnector = tlsConnector(server);
            server.addConnector(tlsConnector);
        }
        server.start();
    }

    /** The TLS connector's port; only with {@link #withTls()}. */
    public int tlsPort() {
        return tlsConnector.getLocalPort();
    }

    /** wss://127.0.0.1:tlsPort + path */
    public URI secureUri(String path) {
        return URI.create("wss://127.0.0.1:" + tlsPort() + path);
    }

    /** Sockets that trust this server's generated certificate, for clients of {@link #secureUri}. */
    public SSLSocketFactory tlsSocketFactory() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore())) {
            keys.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static ServerConnector tlsConnector(Server server) throws Exception {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore().toString());
        ssl.setKeyStorePassword(KEYSTORE_PASSWORD);
        HttpConfiguration https = new HttpConfiguration();
        // Tests send the draft's example Host (example.com), which no certificate here names.
        https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        return connector;
    }

    private static Path keystorePath;

    /** A PKCS12 key store with a fresh self-signed key pair for 127.0.0.1, made once per JVM by keytool. */
    private static synchronized Path keystore() throws Exception {
        if (keystorePath == null) {
            Path file = Files.createTempDirectory("hixie76-tls").resolve("keystore.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "hixie76", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", KEYSTORE_PASSWORD,
                    "-keypass", KEYSTORE_PASSWORD).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            keystorePath = file;
        }
        return keystorePath;
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
