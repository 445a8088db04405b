package io.github.hixie76.client;

import java.io.IOException;

/**
 * The server's answer to the opening handshake failed one of a client's checks (draft §4.1
 * steps 28–46): the message names the check, what was expected and what came.
 */
public final class HandshakeException extends IOException {

    private final int status;
    private final String body;

    HandshakeException(String message, int status, String body) {
        super(message);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status the server answered with, or -1 when the status line was unreadable. */
    public int status() {
        return status;
    }

    /** The response body of a refusal (the server's reason), or "" when none was read. */
    public String body() {
        return body;
    }
}
