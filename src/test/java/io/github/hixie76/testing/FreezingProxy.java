package io.github.hixie76.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a free loopback port to a target port, whose open connections can be frozen:
 * {@link #freezeOpenConnections} makes every connection open at that moment stop forwarding
 * in both directions, with its sockets left open (a network path that silently drops
 * packets); connections made afterwards forward normally. One thread per direction per
 * connection; {@link #close} ends them all. Thread-safe.
 */
public final class FreezingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();

    private final class Pipe {
        final Socket client;
        final Socket server;
        volatile boolean frozen;

        Pipe(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(InputStream in, OutputStream out) {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (!frozen) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                close();
            }
        }

        void close() {
            try {
                client.close();
                server.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    public FreezingProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Daemon.start("freezing-proxy-" + listener.getLocalPort(), this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Open connections stop forwarding (their bytes are read and discarded), and stay open. */
    public void freezeOpenConnections() {
        pipes.forEach(pipe -> pipe.frozen = true);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                Pipe pipe = new Pipe(client, server);
                pipes.add(pipe);
                start(() -> pipe.pump(client.getInputStream(), server.getOutputStream()));
                start(() -> pipe.pump(server.getInputStream(), client.getOutputStream()));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void start(Io io) {
        Daemon.start("freezing-proxy-pipe", () -> {
            try {
                io.run();
            } catch (IOException e) {
                // the connection ended
            }
        });
    }

    @Override
    public void close() throws IOException {
        listener.close();
        pipes.forEach(Pipe::close);
    }
}
