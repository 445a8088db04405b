package com.example.boot;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.EndpointPath;
import io.github.hixie76.api.Session;

/** Sends each message back to its sender; registered by its annotation (profile {@code initializer}). */
@EndpointPath("/echo")
public class Echo implements Endpoint {

    @Override
    public void onMessage(Session session, String text) {
        session.send("echo: " + text);
    }
}
