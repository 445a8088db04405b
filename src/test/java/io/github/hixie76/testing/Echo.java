package io.github.hixie76.testing;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;

/**
 * The tests' echo endpoint: sends every message back, except that the message {@code "close"}
 * makes the server start the closing handshake (§1.4). Tests that count or remember sessions
 * extend it. Holds no state; thread-safe.
 */
public class Echo implements Endpoint {

    /** The message that makes the server close instead of echoing. */
    public static final String CLOSE = "close";

    @Override
    public void onMessage(Session session, String text) {
        if (text.equals(CLOSE)) {
            session.close();
        } else {
            session.send(text);
        }
    }
}
