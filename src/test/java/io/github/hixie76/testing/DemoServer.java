package io.github.hixie76.testing;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Runs the demo webapp through jetty-run.xml until the process is stopped. System properties
 * {@code jetty.*} and {@code hixie76.*} are passed to the XML (jetty.http.port, default 8080).
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
        Server server = JettyServer.fromXml(properties);
        server.start();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        System.out.println("hixie76-servlet demo on http://localhost:" + port + "/ : ws://localhost:" + port
                + "/echo and ws://localhost:" + port + "/chat");
        server.join();
    }
}
