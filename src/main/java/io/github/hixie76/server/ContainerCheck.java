package io.github.hixie76.server;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The containers this project refuses to start on, told by {@code ServletContext.getServerInfo()}:
 * Jetty 9.x, whose {@code HttpServletRequest.upgrade} throws (it has a connection upgrade of
 * its own, which this project does not drive). Pure and stateless.
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
}
