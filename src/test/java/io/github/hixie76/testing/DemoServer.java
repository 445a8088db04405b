package io.github.hixie76.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;

/**
 * Runs the demo webapp through jetty-run.xml until the process is stopped. System properties
 * {@code jetty.*} and {@code hixie76.*} are passed to the XML (jetty.http.port, default 8080).
 * Tests get the same server from {@link #harness()}.
 */
public final class DemoServer {

    private DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((key, value) -> {
            String name = key.toString();
            if (name.startsWith("jetty.") || name.startsWith("hixie76.")) {
                properties.put(name, value.toString());
            }
        });
        Server server = fromXml(properties);
        server.start();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        System.out.println("hixie76-servlet demo on http://localhost:" + port + "/ : ws://localhost:" + port
                + "/echo and ws://localhost:" + port + "/chat");
        server.join();
    }

    /** The demo as the run command starts it, on a free loopback port, for tests: needs jetty-run.xml in the working directory. */
    public static JettyServer harness() {
        return JettyServer.custom(() -> fromXml(Map.of("jetty.http.host", "127.0.0.1", "jetty.http.port", "0")));
    }

    /** Applies jetty-run.xml with the given properties and returns the configured, unstarted server. */
    public static Server fromXml(Map<String, String> properties) throws Exception {
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(Path.of("jetty-run.xml")));
        xml.getProperties().putAll(properties);
        return (Server) xml.configure();
    }
}
