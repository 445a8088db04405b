package io.github.hixie76.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Records what a {@link FrameDecoder} reports, one string per event (the form {@link FrameModel}
 * uses), and whether anything came after the closing handshake.
 */
final class EventSink implements FrameSink {

    final List<String> events = new ArrayList<>();
    boolean closed;
    /** The first event reported after onClose, or null. */
    String afterClose;

    @Override
    public void onText(String text) {
        add("text:" + text);
    }

    @Override
    public void onCloseFrame() {
        add("close");
        closed = true;
    }

    @Override
    public void onDiscarded(int frameType, long length) {
        add("discarded:0x" + Integer.toHexString(frameType) + ":" + length);
    }

    private void add(String event) {
        if (closed && afterClose == null) {
            afterClose = event;
        }
        events.add(event);
    }
}
