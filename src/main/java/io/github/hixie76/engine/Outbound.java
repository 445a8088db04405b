package io.github.hixie76.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The frames waiting to be written to one peer, bounded in bytes: an application message that
 * would take the queue past its limit is refused (the peer has stopped reading), while the
 * engine's own frames (the digest, {@code FF 00}) always fit. A frame leaves the queue only once
 * the wire took it, so a failed write leaves it to be failed with the rest.
 *
 * <p>Not thread-safe: the {@link Connection} that owns it calls it under its lock.
 */
public final class Outbound {

    private record Frame(ByteBuffer bytes, int size, CompletableFuture<Void> done, boolean message) {
    }

    /** Frames handed to the wire in one call at most: a gathering write of small frames, not of a whole backlog. */
    private static final int MAX_GATHERED = 64;

    /** Small at first: most connections hold a frame or two at a time, and many are idle. */
    private final ArrayDeque<Frame> frames = new ArrayDeque<>(4);
    private final long limit;
    private long bytes;
    /** Written to the wire and not flushed yet. */
    private boolean unflushed;

    public Outbound(long limit) {
        this.limit = limit;
    }

    /** Queues an application message, or returns false and queues nothing when it would pass the limit. */
    public boolean offer(ByteBuffer frame, CompletableFuture<Void> done) {
        if (bytes + frame.remaining() > limit) {
            return false;
        }
        append(new Frame(frame, frame.remaining(), done, true));
        return true;
    }

    /** Queues a frame of the engine's own, whatever the limit. */
    public void add(ByteBuffer frame) {
        append(new Frame(frame, frame.remaining(), null, false));
    }

    private void append(Frame frame) {
        frames.add(frame);
        bytes += frame.size;
    }

    /**
     * Writes frames while the wire is ready and flushes once the queue is empty. Returns the
     * futures of the messages written, for the caller to complete outside its lock (an
     * unmodifiable empty list when none: most frames, broadcasts among them, have no future).
     */
    public List<CompletableFuture<Void>> writeTo(Wire wire, Counters counters) throws IOException {
        List<CompletableFuture<Void>> written = List.of();
        while (!frames.isEmpty() && wire.isReady()) {
            int taken = wire.write(gather());
            unflushed = true;
            for (int i = 0; i < taken; i++) {
                Frame next = frames.poll();
                bytes -= next.size;
                counters.sent(next.size, next.message);
                if (next.done != null) {
                    if (written.isEmpty()) {
                        written = new ArrayList<>();
                    }
                    written.add(next.done);
                }
            }
        }
        if (frames.isEmpty() && unflushed && wire.isReady()) {
            unflushed = false;
            wire.flush();
        }
        return written;
    }

    /** The first frames of the queue, for one call of {@link Wire#write(ByteBuffer[])}. */
    private ByteBuffer[] gather() {
        ByteBuffer[] gathered = new ByteBuffer[Math.min(frames.size(), MAX_GATHERED)];
        Iterator<Frame> queued = frames.iterator();
        for (int i = 0; i < gathered.length; i++) {
            gathered[i] = queued.next().bytes;
        }
        return gathered;
    }

    /** Nothing queued and everything written has been flushed. */
    public boolean isFlushed() {
        return frames.isEmpty() && !unflushed;
    }

    /** Frames queued. */
    public int size() {
        return frames.size();
    }

    /** Bytes queued. */
    public long bytes() {
        return bytes;
    }

    /** Empties the queue; returns the futures of the messages that will never be written. */
    public List<CompletableFuture<Void>> clear() {
        if (frames.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<Void>> dropped = new ArrayList<>();
        for (Frame frame : frames) {
            if (frame.done != null) {
                dropped.add(frame.done);
            }
        }
        frames.clear();
        bytes = 0;
        return dropped;
    }
}
