package io.github.hixie76.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The clients a test opened, closed once it ends: hold one in a field marked JUnit's
 * {@code @AutoClose}. Closing goes on past a failure and throws the first. For one test thread.
 */
public final class Opened implements AutoCloseable {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** {@code resource}, to be closed after the test. */
    public <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable resource : opened) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}
