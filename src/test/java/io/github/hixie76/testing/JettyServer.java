package io.github.hixie76.testing;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.server.Hixie76Servlet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs embedded Jetty 12.1 (ee10) on a free loopback port for a test
 * class, serving one of: endpoint classes mapped to paths with init-params
 * ({@link #endpoints}), a webapp directory ({@link #webapp}), a WAR file ({@link #war}), a servlet
 * context the test sets up ({@link #context}), or a server the test configures itself
 * ({@link #custom}). Register it as a static field with {@code @RegisterExtension}; the server
 * starts before the class's first test and stops after its last. It is published for users' tests as the {@code testing} jar (README, "Testing your
 * endpoints in CI"), so it depends only on the library, Jetty and JUnit.
 *
 * <p>RFC 6455 in the {@link #endpoints} mode: the endpoints serve RFC 6455 clients through
 * Jetty's {@code jakarta.websocket} when {@code org.eclipse.jetty.ee10.websocket:jetty-ee10-websocket-jakarta-server}
 * is on the test classpath (the context then gets its {@code ServerContainer}, looked up by
 * reflection so that this class needs no such dependency). Without it only hixie-76 is
 * served, and an RFC 6455 request gets the server's 400 naming what to enable. The webapp
 * and WAR modes get the container through Jetty's usual initializer discovery, the custom
 * mode through the test's own configuration.
 *
 * <p>It owns the server and the clients {@link #connect} opened: those are closed after each
 * test. Its methods may be called from any thread; tests that share one instance should not
 * run concurrently, since the clients of one test are closed when any test ends.
 */
public final class JettyServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** Makes the unstarted server; its first connector is the plain (ws) one, a {@link ServerConnector}. */
    @FunctionalInterface
    public interface ServerFactory {
        Server create() throws Exception;
    }

    /** Jetty's jakarta.websocket set-up for a context, when its jar is on the classpath. */
    private static final String JAKARTA_WEBSOCKET_INITIALIZER =
            "org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer";

    private static final String KEYSTORE_PASSWORD = "hixie76";
    private static final String KEY_ALIAS = "hixie76";

    private final ServerFactory factory;
    private final boolean tls;
    private final List<Hixie76Client> clients = new CopyOnWriteArrayList<>();
    private volatile Server server;
    private volatile ServerConnector tlsConnector;
    private volatile SSLSocketFactory tlsSocketFactory;

    private JettyServer(ServerFactory factory, boolean tls) {
        this.factory = factory;
        this.tls = tls;
    }

    /** Endpoints registered in code: path (a servlet url-pattern) to endpoint class, each with the given init-params. */
    public static JettyServer endpoints(Map<String, Class<? extends Endpoint>> endpoints, Map<String, String> initParams) {
        return context("/", context -> {
            endpoints.forEach((path, type) -> {
                ServletHolder holder = new ServletHolder(Hixie76Servlet.class);
                Map<String, String> params = new LinkedHashMap<>(initParams);
                params.put("endpoint", type.getName());
                holder.setInitParameters(params);
                holder.setAsyncSupported(true);
                context.addServlet(holder, path);
            });
            enableJakartaWebSocket(context);
        });
    }

    /** A webapp directory (with {@code WEB-INF/web.xml}) at context path {@code /}; classes also come from the test's classpath. */
    public static JettyServer webapp(Path directory) {
        return new JettyServer(() -> withHandler(webAppContext(directory, "a webapp directory", Files::isDirectory)), false);
    }

    /** A WAR file at context path {@code /}, deployed as a container would: classes from its WEB-INF first. */
    public static JettyServer war(Path file) {
        return new JettyServer(() -> withHandler(webAppContext(file, "a WAR file", Files::isRegularFile)), false);
    }

    /** A servlet context at {@code contextPath} that the test sets up itself (initializers, servlets, filters). */
    public static JettyServer context(String contextPath, Consumer<ServletContextHandler> setup) {
        return new JettyServer(() -> {
            ServletContextHandler context = new ServletContextHandler(contextPath);
            setup.accept(context);
            return withHandler(context);
        }, false);
    }

    /**
     * A server the test makes itself (from a Jetty XML file, with handlers of its own), for what
     * the other modes do not cover. Its first connector is the plain one that {@link #port} and
     * {@link #uri} describe; give it port 0 for a free one.
     */
    public static JettyServer custom(ServerFactory factory) {
        return new JettyServer(factory, false);
    }

    /**
     * This server plus a TLS connector on another free port, with a key pair generated for
     * 127.0.0.1 and localhost when the server starts; {@link #tlsSocketFactory()} trusts it.
     */
    public JettyServer withTls() {
        return new JettyServer(factory, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Server created = factory.create();
        if (tls) {
            tlsConnector = tlsConnector(created);
            created.addConnector(tlsConnector);
            tlsSocketFactory = trustingSocketFactory();
        }
        try {
            created.start();
        } catch (Exception e) {
            created.stop(); // no threads or ports left behind by a server that did not start
            throw e;
        }
        server = created;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeClients();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeClients();
        if (server != null) {
            server.stop();
        }
    }

    /**
     * For a server made inside one test: starts it, runs {@code test} against it, and stops it
     * whatever happened.
     */
    public void runWith(ServerTest test) throws Exception {
        beforeAll(null);
        try {
            test.run(this);
        } finally {
            afterAll(null);
        }
    }

    /** What a test does with a server it made: {@link #runWith}. */
    @FunctionalInterface
    public interface ServerTest {
        void run(JettyServer server) throws Exception;
    }

    /** The plain (ws) connector's port. */
    public int port() {
        return ((ServerConnector) started().getConnectors()[0]).getLocalPort();
    }

    /** ws://127.0.0.1:port + path */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** ws://127.0.0.1:port/ : resolve paths against it. */
    public URI baseUri() {
        return uri("/");
    }

    /** A client connected to {@link #uri}(path) with the default options; closed after the test. */
    public Hixie76Client connect(String path) throws IOException {
        return connect(uri(path), Hixie76Client.Options.defaults());
    }

    /**
     * A client connected to any URI with these options; closed after the test. For a wss URI
     * of this server without a socket factory in the options, it uses {@link #tlsSocketFactory()}.
     *
     * @throws io.github.hixie76.client.HandshakeException when the server refused the handshake
     */
    public Hixie76Client connect(URI uri, Hixie76Client.Options options) throws IOException {
        Hixie76Client.Options effective = options;
        if ("wss".equalsIgnoreCase(uri.getScheme()) && options.socketFactory() == null && tlsSocketFactory != null) {
            effective = options.toBuilder().socketFactory(tlsSocketFactory).build();
        }
        Hixie76Client client = Hixie76Client.connect(uri, effective);
        clients.add(client);
        return client;
    }

    /** The TLS connector's port; only with {@link #withTls()}. */
    public int tlsPort() {
        return requireTls().getLocalPort();
    }

    /** wss://127.0.0.1:tlsPort + path; only with {@link #withTls()}. */
    public URI secureUri(String path) {
        return URI.create("wss://127.0.0.1:" + tlsPort() + path);
    }

    /** Sockets that trust this server's generated certificate, for clients of {@link #secureUri}. */
    public SSLSocketFactory tlsSocketFactory() {
        requireTls();
        return tlsSocketFactory;
    }

    /** The generated certificate (for 127.0.0.1 and localhost), to hand to other clients; only with {@link #withTls()}. */
    public X509Certificate tlsCertificate() throws Exception {
        requireTls();
        return (X509Certificate) keys().getCertificate(KEY_ALIAS);
    }

    /** The running Jetty server, for what this class does not cover. */
    public Server server() {
        return started();
    }

    private Server started() {
        if (server == null) {
            throw new IllegalStateException("the server is not running: register JettyServer on a static field"
                    + " with @RegisterExtension");
        }
        return server;
    }

    private ServerConnector requireTls() {
        started();
        if (tlsConnector == null) {
            throw new IllegalStateException("no TLS connector: create the extension with withTls()");
        }
        return tlsConnector;
    }

    private void closeClients() {
        for (Hixie76Client client : clients) {
            clients.remove(client);
            try {
                client.close();
            } catch (IOException e) {
                // cleanup: the test is over, and what it asserted is what counts
            }
        }
    }

    private static Server withHandler(Handler handler) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(handler);
        return server;
    }

    /**
     * Gives the context Jetty's jakarta.websocket {@code ServerContainer}, which serves RFC 6455,
     * as {@code JakartaWebSocketServletContainerInitializer.configure(context, null)} does; does
     * nothing when jetty-ee10-websocket-jakarta-server is not on the classpath.
     */
    private static void enableJakartaWebSocket(ServletContextHandler context) {
        Class<?> initializer;
        Class<?> configurator;
        try {
            initializer = Class.forName(JAKARTA_WEBSOCKET_INITIALIZER, true, JettyServer.class.getClassLoader());
            configurator = Class.forName(JAKARTA_WEBSOCKET_INITIALIZER + "$Configurator", true,
                    JettyServer.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return; // hixie-76 only: EndpointHost answers RFC 6455 requests with 400 naming the module
        }
        try {
            initializer.getMethod("configure", ServletContextHandler.class, configurator).invoke(null, context, null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not enable Jetty's jakarta.websocket on the context", e);
        }
    }

    private static WebAppContext webAppContext(Path path, String what, Predicate<Path> exists) {
        if (!exists.test(path)) {
            throw new IllegalArgumentException("expected " + what + ", got " + path.toAbsolutePath());
        }
        WebAppContext context = new WebAppContext();
        context.setContextPath("/");
        context.setWar(path.toAbsolutePath().toString());
        // A failed deployment is a failed test, not a server that answers 503.
        context.setThrowUnavailableOnStartupException(true);
        return context;
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

    private static SSLSocketFactory trustingSocketFactory() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static KeyStore keys() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore())) {
            keys.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        return keys;
    }

    private static Path keystorePath;

    /** A PKCS12 key store with a fresh self-signed key pair for 127.0.0.1, made once per JVM by keytool. */
    private static synchronized Path keystore() throws Exception {
        if (keystorePath == null) {
            Path file = Files.createTempDirectory("hixie76-tls").resolve("keystore.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", KEY_ALIAS, "-keyalg", "RSA",
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
}
