package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the application stops, every open session gets FF 00 and its endpoint's onClose, then
 * its connection ends; and deploying and undeploying the WAR repeatedly leaks no thread, timer
 * or class loader (asked of Tomcat's own leak detection).
 */
class UndeployIT {

    private static final int CYCLES = 20;

    @Test
    void twentyUndeploysWithOpenConnectionsLeakNothing() throws Exception {
        Container tomcat = Container.get("tomcat-11", Path.of("target/hixie76-servlet.war"), "/cycled");
        long start = System.nanoTime();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            if (cycle > 0) {
                assertEquals("DEPLOYED", tomcat.command("deploy"));
            }
            List<Hixie76Client> clients = new ArrayList<>();
            for (String path : List.of("/echo", "/echo", "/chat")) {
                Hixie76Client client = Hixie76Client.connect(tomcat.uri(path));
                clients.add(client);
                client.send("cycle " + cycle);
                assertEquals("cycle " + cycle, client.receive());
            }
            assertEquals("UNDEPLOYED", tomcat.command("undeploy"));
            for (Hixie76Client client : clients) {
                assertTrue(client.awaitEnd(), "cycle " + cycle + ": FF 00 before the end of the connection");
                client.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("LEAKS ", tomcat.command("leaks"), "class loaders of undeployed contexts still reachable");
        String threads = tomcat.command("threads");
        assertFalse(threads.contains("hixie76"), threads);
        String log = Files.readString(Path.of("target/containers/tomcat-11-cycled.log"));
        assertFalse(log.contains("memory leak"), "Tomcat's leak detection warned:\n" + log);
        assertFalse(log.contains("failed to stop it"), "Tomcat's leak detection warned:\n" + log);
        System.out.printf("%d deploy/undeploy cycles with 3 open connections each: %.1f s, no leaked class loader"
                + " or thread%n", CYCLES, seconds);
    }
}
