package io.github.hixie76.server;

import jakarta.servlet.ServletContext;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Registries an application's endpoints share: a sorted concurrent map in a context attribute. */
final class ContextMaps {

    private ContextMaps() {
    }

    /** The map in {@code attribute}, created on first use; the context's lock makes it one map. */
    @SuppressWarnings("unchecked")
    static <V> Map<String, V> get(ServletContext context, String attribute) {
        synchronized (context) {
            Object registry = context.getAttribute(attribute);
            if (registry == null) {
                registry = new ConcurrentSkipListMap<String, V>();
                context.setAttribute(attribute, registry);
            }
            return (Map<String, V>) registry;
        }
    }
}
