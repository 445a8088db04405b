package io.github.hixie76.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport's outbound side as the {@link Connection} engine sees it: the non-blocking
 * contract of {@code ServletOutputStream}. {@code write} and {@code flush} are called only
 * after {@code isReady()} returned true; when it returns false the transport calls
 * {@link Connection#onWritable()} once writing may go on. Implementations are called under
 * the connection's lock, by one thread at a time.
 */
public interface Wire {

    boolean isReady();

    /** Hands {@code bytes} to the transport, which owns the buffer from then on; throws when the connection failed. */
    void write(ByteBuffer bytes) throws IOException;

    /**
     * Hands over the first of {@code frames}, then the next ones while {@code isReady()} stays
     * true, and returns how many it took (at least one). A transport with a gathering write
     * takes them all in one call: one system call for the frames one read produced.
     */
    default int write(ByteBuffer[] frames) throws IOException {
        int taken = 0;
        do {
            write(frames[taken++]);
        } while (taken < frames.length && isReady());
        return taken;
    }

    void flush() throws IOException;

    /** Closes the connection; idempotent, never throws. */
    void close();
}
