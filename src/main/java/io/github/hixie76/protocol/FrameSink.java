package io.github.hixie76.protocol;

/** Receives what a {@link FrameDecoder} finds, in stream order, on the decoding thread. */
public interface FrameSink {

    /** A complete text frame (type 0x00), decoded as UTF-8. */
    void onText(String text);

    /** The closing handshake {@code FF 00} (§1.4): nothing after it is decoded. */
    void onCloseFrame();

    /** A frame of another type, read in full and discarded (§5.3); {@code length} counts its payload. */
    default void onDiscarded(int frameType, long length) {
    }
}
