package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.api.Session;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.server.Hixie76Servlet;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Echo;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * When the application stops, every open session gets FF 00 and its endpoint's onClose, its
 * connection ends, and the endpoint's timer thread and MBean are gone (the same on Tomcat, with
 * its leak detection, in {@code UndeployIT}).
 */
class ShutdownTest {

    private static final int CLIENTS = 5;
    private static final CountDownLatch CLOSED = new CountDownLatch(CLIENTS);

    /** Counts the sessions the endpoint saw closed. */
    public static class Recording extends Echo {
        @Override
        public void onClose(Session session) {
            CLOSED.countDown();
        }
    }

    @Test
    void stoppingTheApplicationClosesEverySessionAndLeavesNothingRunning() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        ServletHolder holder = new ServletHolder("stopping", Hixie76Servlet.class);
        holder.setInitParameter("endpoint", Recording.class.getName());
        holder.setAsyncSupported(true);
        holder.setInitOrder(1);
        context.addServlet(holder, "/stopping");
        server.setHandler(context);
        server.start();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/app/stopping");
            List<Hixie76Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Hixie76Client client = Hixie76Client.connect(uri);
                client.send("before " + i);
                assertEquals("before " + i, client.receive());
                clients.add(client);
            }
            assertTrue(timerThreadAlive(), "the endpoint's timer runs while the application does");
            ObjectName mbean = new ObjectName("io.github.hixie76:type=Endpoint,context=\"/app\",name=\"stopping\"");
            assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(mbean));

            context.stop();

            for (Hixie76Client client : clients) {
                assertTrue(client.awaitEnd(), "FF 00 before the end of the connection");
                client.close();
            }
            assertTrue(CLOSED.await(5, TimeUnit.SECONDS), "onClose for every session, missing " + CLOSED.getCount());
            Await.until("the endpoint's timer thread is gone", () -> !timerThreadAlive());
            assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(mbean), "the MBean is unregistered");
        } finally {
            server.stop();
        }
    }

    private static boolean timerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("hixie76-timer-stopping") && thread.isAlive());
    }
}
