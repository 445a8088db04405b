package io.github.hixie76.demo;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;

/** Sends every message back to its sender. */
public final class EchoEndpoint implements Endpoint {

    @Override
    public void onMessage(Session session, String text) {
        session.send(text);
    }
}
