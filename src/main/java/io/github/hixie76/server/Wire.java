package io.github.hixie76.server;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport's outbound side as the {@link Connection} engine sees it: the non-blocking
 * contract of {@code ServletOutputStream}. {@code write} and {@code flush} are called only
 * after {@code isReady()} returned true; when it returns false the transport calls
 * {@link Connection#onWritable()} once writing may go on.
 */
interface Wire {

    boolean isReady();

    void write(ByteBuffer bytes) throws IOException;

    void flush() throws IOException;

    /** Closes the connection; idempotent, never throws. */
    void close();
}
