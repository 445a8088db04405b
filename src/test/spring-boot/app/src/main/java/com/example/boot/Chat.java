package com.example.boot;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;

/** Sends every message to every open /chat session, the sender included, hixie-76 and RFC 6455 alike. */
public class Chat implements Endpoint {

    @Override
    public void onMessage(Session session, String text) {
        session.broadcast(text);
    }
}
