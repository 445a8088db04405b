import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.security.idm.Account;
import io.undertow.security.idm.Credential;
import io.undertow.security.idm.IdentityManager;
import io.undertow.security.idm.PasswordCredential;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.FilterInfo;
import io.undertow.servlet.api.LoginConfig;
import io.undertow.servlet.api.SecurityConstraint;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.api.WebResourceCollection;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * Deploys a WAR (or webapp directory) on embedded Undertow 2.2 (javax) or 2.3 (jakarta) on a
 * free loopback port, prints "LISTENING port", and runs until its standard input ends. Run as
 * a source file: java -cp UNDERTOW_CLASSPATH UndertowLauncher.java WAR CONTEXT_PATH API
 * (API: javax or jakarta).
 *
 * <p>Embedded Undertow has no WAR deployer (WildFly's is the one), so this reads what the
 * project's WARs use of web.xml: context-params, listeners, filters and servlets with their
 * init-params and mappings, welcome files, security constraints with BASIC login; it runs the
 * application's ServletContainerInitializers with their @HandlesTypes classes, and registers
 * its @ServerEndpoint classes with Undertow's WebSocket support, as a deployer's scan would.
 * Class-file scanning is by name: a class is loaded when its bytes name a wanted type.
 */
public class UndertowLauncher {

    public static void main(String[] args) throws Exception {
        Path app = unpacked(Path.of(args[0]));
        String contextPath = args[1];
        String api = args[2];
        List<URL> urls = new ArrayList<>();
        urls.add(app.resolve("WEB-INF/classes").toUri().toURL());
        Path lib = app.resolve("WEB-INF/lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                }
            }
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), UndertowLauncher.class.getClassLoader());
        Xnio xnio = Xnio.getInstance(UndertowLauncher.class.getClassLoader());
        XnioWorker worker = xnio.createWorker(OptionMap.EMPTY);

        DeploymentInfo deployment = Servlets.deployment().setClassLoader(loader).setContextPath(contextPath)
                .setDeploymentName(contextPath + ".war").setResourceManager(new PathResourceManager(app));
        WebSocketDeploymentInfo websocket = new WebSocketDeploymentInfo().setWorker(worker)
                .setBuffers(new DefaultByteBufferPool(false, 8192));
        deployment.addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME, websocket);
        webXml(deployment, app.resolve("WEB-INF/web.xml"), loader, api);
        Scan scan = new Scan(app, loader);
        initializers(deployment, loader, api, scan);
        for (Class<?> endpoint : scan.find(Set.of(Class.forName(api + ".websocket.server.ServerEndpoint", false, loader)))) {
            websocket.addEndpoint(endpoint);
        }
        // The one user of the test applications' BASIC realm.
        deployment.setIdentityManager(new OneUser("alice", "secret", "user"));

        DeploymentManager manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        Undertow server = Undertow.builder().setWorker(worker).addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path().addPrefixPath(contextPath, manager.start())).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        System.out.println("LISTENING " + port);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
        String command;
        while ((command = commands.readLine()) != null) {
            System.out.println("UNKNOWN " + command);
            System.out.flush();
        }
        manager.stop();
        manager.undeploy();
        server.stop();
        worker.shutdown();
    }

    /** A directory as it is; a WAR unpacked into a temporary directory. */
    private static Path unpacked(Path war) throws Exception {
        if (Files.isDirectory(war)) {
            return war;
        }
        Path dir = Files.createTempDirectory("undertow-app");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(war))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path to = dir.resolve(entry.getName()).normalize();
                if (!to.startsWith(dir)) {
                    throw new IllegalArgumentException("entry outside the WAR: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(zip, to);
                }
            }
        }
        return dir;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void webXml(DeploymentInfo deployment, Path file, ClassLoader loader, String api) throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        for (Element param : children(root, "context-param")) {
            deployment.addInitParameter(text(param, "param-name"), text(param, "param-value"));
        }
        for (Element listener : children(root, "listener")) {
            deployment.addListener(Servlets.listener((Class) loader.loadClass(text(listener, "listener-class"))));
        }
        Class dispatcherType = Class.forName(api + ".servlet.DispatcherType", false, loader);
        Object request = Enum.valueOf(dispatcherType, "REQUEST");
        for (Element filter : children(root, "filter")) {
            FilterInfo info = Servlets.filter(text(filter, "filter-name"), (Class) loader.loadClass(text(filter, "filter-class")));
            for (Element param : children(filter, "init-param")) {
                info.addInitParam(text(param, "param-name"), text(param, "param-value"));
            }
            info.setAsyncSupported("true".equals(text(filter, "async-supported")));
            deployment.addFilter(info);
        }
        for (Element mapping : children(root, "filter-mapping")) {
            for (Element url : children(mapping, "url-pattern")) {
                DeploymentInfo.class.getMethod("addFilterUrlMapping", String.class, String.class, dispatcherType)
                        .invoke(deployment, text(mapping, "filter-name"), url.getTextContent().trim(), request);
            }
        }
        for (Element servlet : children(root, "servlet")) {
            ServletInfo info = Servlets.servlet(text(servlet, "servlet-name"),
                    (Class) loader.loadClass(text(servlet, "servlet-class")));
            for (Element param : children(servlet, "init-param")) {
                info.addInitParam(text(param, "param-name"), text(param, "param-value"));
            }
            info.setAsyncSupported("true".equals(text(servlet, "async-supported")));
            String load = text(servlet, "load-on-startup");
            if (load != null) {
                info.setLoadOnStartup(Integer.parseInt(load));
            }
            for (Element mapping : children(root, "servlet-mapping")) {
                if (info.getName().equals(text(mapping, "servlet-name"))) {
                    for (Element url : children(mapping, "url-pattern")) {
                        info.addMapping(url.getTextContent().trim());
                    }
                }
            }
            deployment.addServlet(info);
        }
        for (Element list : children(root, "welcome-file-list")) {
            for (Element welcome : children(list, "welcome-file")) {
                deployment.addWelcomePage(welcome.getTextContent().trim());
            }
        }
        for (Element constraint : children(root, "security-constraint")) {
            SecurityConstraint security = new SecurityConstraint();
            for (Element collection : children(constraint, "web-resource-collection")) {
                WebResourceCollection resources = new WebResourceCollection();
                for (Element url : children(collection, "url-pattern")) {
                    resources.addUrlPattern(url.getTextContent().trim());
                }
                security.addWebResourceCollection(resources);
            }
            for (Element auth : children(constraint, "auth-constraint")) {
                for (Element role : children(auth, "role-name")) {
                    security.addRoleAllowed(role.getTextContent().trim());
                }
            }
            deployment.addSecurityConstraint(security);
        }
        for (Element login : children(root, "login-config")) {
            deployment.setLoginConfig(new LoginConfig(text(login, "auth-method"), text(login, "realm-name")));
        }
    }

    /** The application's initializers (its META-INF/services), each with the classes its @HandlesTypes names. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void initializers(DeploymentInfo deployment, ClassLoader loader, String api, Scan scan)
            throws Exception {
        Class sci = Class.forName(api + ".servlet.ServletContainerInitializer", false, loader);
        Class handlesTypes = Class.forName(api + ".servlet.annotation.HandlesTypes", false, loader);
        for (Object initializer : ServiceLoader.load(sci, loader)) {
            Class<?> type = initializer.getClass();
            if (type.getClassLoader() != loader) {
                continue; // the container's own
            }
            Set<Class<?>> wanted = new HashSet<>();
            Annotation handles = type.getAnnotation(handlesTypes);
            if (handles != null) {
                wanted.addAll(List.of((Class<?>[]) handlesTypes.getMethod("value").invoke(handles)));
            }
            deployment.addServletContainerInitializer(new ServletContainerInitializerInfo((Class) type,
                    wanted.isEmpty() ? Set.of() : scan.find(wanted)));
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getLocalName() != null ? element.getLocalName()
                    : element.getTagName())) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    /** The application's classes that carry or extend one of the wanted types. */
    private static final class Scan {
        private final Path app;
        private final ClassLoader loader;

        Scan(Path app, ClassLoader loader) {
            this.app = app;
            this.loader = loader;
        }

        Set<Class<?>> find(Set<Class<?>> wanted) throws Exception {
            List<byte[]> names = wanted.stream()
                    .map(t -> ("L" + t.getName().replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8)).toList();
            List<byte[]> plain = wanted.stream().map(t -> t.getName().replace('.', '/').getBytes(StandardCharsets.UTF_8))
                    .toList();
            Set<Class<?>> found = new HashSet<>();
            Path classes = app.resolve("WEB-INF/classes");
            if (Files.isDirectory(classes)) {
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        String name = classes.relativize(file).toString();
                        consider(name, Files.readAllBytes(file), names, plain, wanted, found);
                    }
                }
            }
            Path lib = app.resolve("WEB-INF/lib");
            if (Files.isDirectory(lib)) {
                try (Stream<Path> jars = Files.list(lib)) {
                    for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                        try (ZipFile zip = new ZipFile(jar.toFile())) {
                            for (ZipEntry entry : zip.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                                try (InputStream in = zip.getInputStream(entry)) {
                                    consider(entry.getName(), in.readAllBytes(), names, plain, wanted, found);
                                }
                            }
                        }
                    }
                }
            }
            return found;
        }

        private void consider(String file, byte[] bytes, List<byte[]> names, List<byte[]> plain, Set<Class<?>> wanted,
                Set<Class<?>> found) {
            if (file.startsWith("META-INF/") || !(mentions(bytes, names) || mentions(bytes, plain))) {
                return;
            }
            String name = file.substring(0, file.length() - ".class".length()).replace('/', '.').replace('\\', '.');
            try {
                Class<?> type = Class.forName(name, false, loader);
                for (Class<?> w : wanted) {
                    boolean annotated = w.isAnnotation() && type.isAnnotationPresent(w.asSubclass(Annotation.class));
                    if ((annotated || (!w.isAnnotation() && w.isAssignableFrom(type))) && type != w) {
                        found.add(type);
                    }
                }
            } catch (Throwable e) {
                // a class that cannot load here is none of the application's endpoints
            }
        }

        private static boolean mentions(byte[] bytes, List<byte[]> needles) {
            for (byte[] needle : needles) {
                outer:
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (bytes[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
            return false;
        }
    }

    /** One user with one role, for the applications' BASIC realm. */
    private record OneUser(String name, String password, String role) implements IdentityManager {

        @Override
        public Account verify(Account account) {
            return account;
        }

        @Override
        public Account verify(String id, Credential credential) {
            if (id.equals(name) && credential instanceof PasswordCredential given
                    && password.equals(new String(given.getPassword()))) {
                return account();
            }
            return null;
        }

        @Override
        public Account verify(Credential credential) {
            return null;
        }

        private Account account() {
            Principal principal = () -> name;
            return new Account() {
                @Override
                public Principal getPrincipal() {
                    return principal;
                }

                @Override
                public Set<String> getRoles() {
                    return Set.of(role);
                }
            };
        }
    }
}
