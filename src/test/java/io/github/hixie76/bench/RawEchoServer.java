package io.github.hixie76.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The benchmark's ceiling: a plain NIO TCP echo server, no WebSocket and no HTTP. The load
 * client sends newline-delimited messages and it writes back every byte it reads, so what it
 * costs is what any server on this machine pays for the sockets alone. One selector thread per
 * core; an acceptor thread hands new connections to them in turn. A connection whose echo cannot
 * be written at once keeps the rest and stops reading until it is written.
 *
 * <p>Thread-safe: each connection is used only by its selector thread.
 */
final class RawEchoServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final List<Loop> loops = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean running = true;

    RawEchoServer() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            Loop loop = new Loop();
            loops.add(loop);
            new Thread(loop, "raw-echo-" + i).start();
        }
        acceptor = new Thread(this::accept, "raw-echo-acceptor");
        acceptor.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    @Override
    public void close() throws IOException {
        running = false;
        server.close();
        loops.forEach(loop -> loop.selector.wakeup());
    }

    private void accept() {
        int next = 0;
        while (running) {
            try {
                SocketChannel channel = server.accept();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                Loop loop = loops.get(next++ % loops.size());
                loop.added.add(channel);
                loop.selector.wakeup();
            } catch (IOException e) {
                // closed, or one failed accept
            }
        }
    }

    /** One selector thread and its connections. */
    private final class Loop implements Runnable {
        final Selector selector;
        final ConcurrentLinkedQueue<SocketChannel> added = new ConcurrentLinkedQueue<>();
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

        Loop() throws IOException {
            selector = Selector.open();
        }

        @Override
        public void run() {
            while (running) {
                try {
                    selector.select();
                    for (SocketChannel channel; (channel = added.poll()) != null; ) {
                        channel.register(selector, SelectionKey.OP_READ);
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        serve(key);
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    // one registration failed; the others go on
                }
            }
            try {
                for (SelectionKey key : selector.keys()) {
                    key.channel().close();
                }
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        private void serve(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            try {
                if (key.isValid() && key.isWritable()) {
                    ByteBuffer pending = (ByteBuffer) key.attachment();
                    channel.write(pending);
                    if (pending.hasRemaining()) {
                        return;
                    }
                    key.attach(null);
                    key.interestOps(SelectionKey.OP_READ);
                }
                if (key.isValid() && key.isReadable()) {
                    read(key, channel);
                }
            } catch (IOException e) {
                key.cancel();
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closed anyway
                }
            }
        }

        private void read(SelectionKey key, SocketChannel channel) throws IOException {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                throw new IOException("end of stream");
            }
            buffer.flip();
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                key.attach(ByteBuffer.allocate(buffer.remaining()).put(buffer).flip());
                key.interestOps(SelectionKey.OP_WRITE);
            }
        }
    }
}
