package io.github.hixie76.server;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container cannot do, told by {@code ServletContext.getServerInfo()}: Jetty 9.x, whose
 * {@code HttpServletRequest.upgrade} throws (it has a connection upgrade of its own, which this
 * project does not drive), runs nothing; Undertow, whose HTTP/1.1 parser collapses every run of
 * spaces in a header value into one (measured on 2.2.37 and 2.3.20), serves RFC 6455 only: a
 * hixie-76 key's number is divided by its count of spaces, so a key with adjacent spaces (most
 * browser keys) would be refused or, worse, answered with a wrong digest. Pure and stateless.
 */
final class ContainerCheck {

    private static final Pattern JETTY = Pattern.compile("jetty/(\\d+)\\.(\\d+)\\S*", Pattern.CASE_INSENSITIVE);

    private ContainerCheck() {
    }

    /** The one-line reason this container cannot serve hixie-76, or empty where it can. */
    static Optional<String> refusal(String serverInfo) {
        Matcher jetty = JETTY.matcher(serverInfo == null ? "" : serverInfo.trim());
        if (jetty.matches() && Integer.parseInt(jetty.group(1)) < 10) {
            return Optional.of("hixie76-servlet cannot run on " + serverInfo.trim() + ": Jetty " + jetty.group(1) + "."
                    + jetty.group(2) + " does not implement HttpServletRequest.upgrade; use Jetty 10 or later"
                    + " (javax WAR up to 10, jakarta from 12.1), Tomcat 8.5 or later, or Undertow 2.2 or later");
        }
        return Optional.empty();
    }

    /** The one-line reason this container cannot serve hixie-76 handshakes, or empty where it can. */
    static Optional<String> hixie76Refusal(String serverInfo) {
        String info = serverInfo == null ? "" : serverInfo.trim();
        if (info.regionMatches(true, 0, "Undertow", 0, "Undertow".length())) {
            return Optional.of("hixie-76 cannot be served on " + info + ": its HTTP parser collapses runs of spaces in"
                    + " header values, which changes the numbers of Sec-WebSocket-Key1/Key2; RFC 6455 is served here");
        }
        return Optional.empty();
    }
}
