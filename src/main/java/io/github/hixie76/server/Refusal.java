package io.github.hixie76.server;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A refused handshake: the HTTP status, the kind counted in the metrics, and a one-line reason
 * a client can act on. Immutable.
 */
record Refusal(int status, String kind, String reason) implements HandshakeCheck.Verdict {

    static Refusal malformed(String reason) {
        return new Refusal(400, "malformed", reason);
    }

    /** The answer: the status, {@code Allow} for a 405, and the reason as plain text. */
    void writeTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        if (status == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
            response.setHeader("Allow", "GET");
        }
        // Bytes the client sent after its headers (key3) must not be read as another request.
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(reason);
    }
}
