package com.example;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import java.util.Locale;

/** Answers every message in capitals; "bye" makes it close the connection. */
public final class Shouter implements Endpoint {

    @Override
    public void onMessage(Session session, String text) {
        if (text.equals("bye")) {
            session.close();
        } else {
            session.send(text.toUpperCase(Locale.ROOT));
        }
    }
}
