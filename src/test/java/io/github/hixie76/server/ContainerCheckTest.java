package io.github.hixie76.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"jetty/9.4.58.v20250814", "jetty/9.2.30.v20200428", "Jetty/9.4.0"})
    void refusesJetty9WithOneLineNamingIt(String serverInfo) {
        String reason = ContainerCheck.refusal(serverInfo).orElseThrow();
        assertTrue(reason.contains(serverInfo) && reason.contains("does not implement HttpServletRequest.upgrade"), reason);
        assertEquals(-1, reason.indexOf('\n'), reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty/10.0.24", "jetty/12.1.14", "Apache Tomcat/9.0.112", "Apache Tomcat/8.5.100",
            "Undertow - 2.2.37.Final", ""})
    void acceptsTheOthers(String serverInfo) {
        assertEquals(Optional.empty(), ContainerCheck.refusal(serverInfo));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Undertow - 2.2.37.Final", "Undertow - 2.3.20.Final"})
    void undertowServesRfc6455Only(String serverInfo) {
        String reason = ContainerCheck.hixie76Refusal(serverInfo).orElseThrow();
        assertTrue(reason.contains("collapses runs of spaces") && reason.contains("RFC 6455 is served"), reason);
        assertEquals(Optional.empty(), ContainerCheck.refusal(serverInfo));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty/10.0.24", "jetty/12.1.14", "Apache Tomcat/9.0.112", ""})
    void theOthersServeHixie76(String serverInfo) {
        assertEquals(Optional.empty(), ContainerCheck.hixie76Refusal(serverInfo));
    }
}
