package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.Rejections;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Jetty 9.4 has no {@code HttpServletRequest.upgrade} (it throws): the javax WAR refuses to
 * start its endpoints there, with one log line naming the container and what to use instead,
 * and a handshake gets the container's answer for a servlet that is permanently unavailable
 * (404 on Jetty 9.4). Measured: Jetty 9.4 logs no stack trace for it and starts the rest of the
 * application.
 */
class Jetty94RefusalIT {

    private static final String LINE = "hixie76-servlet cannot run on jetty/9.4.";

    private static Container jetty;

    @Test
    void refusesAtStartupWithOneLogLine() throws Exception {
        jetty = Container.launch("jetty-9.4", Container.war("jetty-10"), Container.CONTEXT_PATH, java.util.List.of());
        // Jetty answers 404 for a servlet that is permanently unavailable.
        HandshakeException refused = Rejections.expectRejection(jetty.uri("/echo"), 404);
        assertEquals(404, refused.status(), refused.getMessage());
        Await.until("the refusal in the log", Duration.ofSeconds(10), () -> log().contains(LINE));
        String log = jetty.log();
        assertEquals(log.indexOf(LINE), log.lastIndexOf(LINE), "logged once: " + log);
        assertTrue(log.contains("does not implement HttpServletRequest.upgrade"), log);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static String log() {
        try {
            return jetty.log();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
