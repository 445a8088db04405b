package io.github.hixie76.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.testing.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-blocking contract of {@code ServletOutputStream}, by hand: the test flips readiness;
 * a write or flush while not ready, or anything after close, is a violation, recorded (and
 * checked after every test by {@link ConnectionFixture}) and thrown as the containers do. Its
 * log reads {@code "write 00 61 ff"}, {@code "flush"}, {@code "close"}. Thread-safe.
 */
final class FakeWire implements Wire {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final List<String> log = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private boolean ready = true;
    private boolean askedWhileNotReady;
    private int writesBeforeStall = -1;
    private IOException writeFailure;
    private int closes;

    /** The log entry of a write of {@code bytes}. */
    static String write(byte[] bytes) {
        return "write " + Bytes.hex(bytes);
    }

    synchronized void setReady(boolean ready) {
        this.ready = ready;
        writesBeforeStall = -1;
    }

    /** The next {@code n} writes are taken; after the last of them isReady() turns false. */
    synchronized void stallAfterWrites(int n) {
        writesBeforeStall = n;
    }

    synchronized void failWrites(IOException failure) {
        writeFailure = failure;
    }

    synchronized void clearAsked() {
        askedWhileNotReady = false;
    }

    @Override
    public synchronized boolean isReady() {
        if (!ready) {
            askedWhileNotReady = true;
        }
        return ready;
    }

    @Override
    public synchronized void write(ByteBuffer bytes) throws IOException {
        check("write");
        if (writeFailure != null) {
            throw writeFailure;
        }
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        written.writeBytes(b);
        log.add(write(b));
        if (writesBeforeStall > 0 && --writesBeforeStall == 0) {
            ready = false;
        }
    }

    @Override
    public synchronized void flush() {
        check("flush");
        log.add("flush");
    }

    @Override
    public synchronized void close() {
        if (closes++ == 0) {
            log.add("close");
        }
    }

    private void check(String what) {
        String violation = closes > 0 ? what + " after close" : !ready ? what + " while not ready" : null;
        if (violation != null) {
            violations.add(violation);
            throw new IllegalStateException(violation);
        }
    }

    synchronized byte[] written() {
        return written.toByteArray();
    }

    /** Forgets the log so far (the bytes written stay). */
    synchronized void clearLog() {
        log.clear();
    }

    synchronized List<String> log() {
        return List.copyOf(log);
    }

    synchronized int closes() {
        return closes;
    }

    synchronized boolean askedWhileNotReady() {
        return askedWhileNotReady;
    }

    synchronized void assertNoViolations() {
        assertEquals(List.of(), violations, "write contract violations");
    }
}
