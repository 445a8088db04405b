package io.github.hixie76.demo;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;

/** Sends every message to every open chat session, the sender included. */
public final class ChatEndpoint implements Endpoint {

    @Override
    public void onMessage(Session session, String text) {
        session.broadcast(text);
    }
}
