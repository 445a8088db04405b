package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Constructor;
import java.util.function.Supplier;

/** Endpoint classes named in configuration: loaded by the application, instantiated per connection. Stateless. */
final class EndpointClasses {

    private EndpointClasses() {
    }

    /** Loads an Endpoint class through the application's class loader. */
    static Class<? extends Endpoint> load(ServletContext context, String className) {
        ClassLoader loader = context.getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        try {
            return Class.forName(className, true, loader).asSubclass(Endpoint.class);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("not an Endpoint class: " + className + " (" + e + ")", e);
        }
    }

    /** A new instance per connection, through the public no-argument constructor. */
    static Supplier<Endpoint> newInstances(Class<? extends Endpoint> type) {
        Constructor<? extends Endpoint> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " needs a public no-argument constructor", e);
        }
        return () -> {
            try {
                return constructor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create " + type.getName(), e);
            }
        };
    }
}
