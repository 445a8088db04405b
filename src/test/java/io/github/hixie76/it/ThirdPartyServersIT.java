package io.github.hixie76.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.client.Hixie76Client.HandshakePart;
import io.github.hixie76.client.Wscat;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.JavaWebSocketServer;
import io.github.hixie76.testing.NodePackages;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@link Hixie76Client} (and once {@link Wscat}) against third-party hixie-76 servers, as users
 * point it at them: Netty's {@code WebSocketServerHandshaker00}, Java-WebSocket's
 * {@code Draft_76} server, Node's websocket-driver with {@code allowDrafts}, and Jetty 8's
 * {@code WebSocketServlet} (in a JVM of its own: it is javax.servlet). Each peer echoes text
 * at {@code /echo}.
 *
 * <p>Each test asserts what the draft asks of both sides. Where a peer departs from the draft,
 * the test asserts what the peer really does and what our client makes of it, and the client
 * stays strict (notes §6): Netty answers {@code upgrade: websocket} in lower case, which the
 * draft's client must refuse (§4.1), so Netty runs twice, as shipped and with one outbound
 * handler that writes the value as the draft spells it; Java-WebSocket and websocket-driver
 * send no {@code Sec-WebSocket-Protocol}; Jetty 8 never answers the closing handshake.
 */
class ThirdPartyServersIT {

    /** The peers, with the version the build pins. */
    enum Peer {
        NETTY("4.2.20.Final"),
        JAVA_WEBSOCKET("1.3.4"),
        WEBSOCKET_DRIVER("0.8.0"),
        JETTY_8("8.1.22.v20160922");

        final String version;

        Peer(String version) {
            this.version = version;
        }

        /** Whether it sends {@code Sec-WebSocket-Protocol} for a subprotocol it accepts (§5.2). */
        boolean echoesSubprotocol() {
            return this == NETTY || this == JETTY_8;
        }

        /** Whether it answers the client's {@code FF 00} with its own and closes (§1.4). */
        boolean answersClose() {
            return this != JETTY_8;
        }
    }

    static final List<Peer> PEERS = List.of(Peer.values());

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Bounds {@code close()}'s wait for the server's FF 00: Jetty 8 makes every test wait it out. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    private static final String ORIGIN = "http://app.example";
    private static final String ASCII = "hello, hixie-76";
    /** Two-, three- and four-byte UTF-8 (U+1F600 and U+1D11E are surrogate pairs in Java). */
    private static final String UTF8 = "héllo ∑ 日本語 😀 𝄞 end";
    private static final Hixie76Client.Options OPTIONS = Hixie76Client.Options.builder()
            .origin(ORIGIN).readTimeout(CLOSE_TIMEOUT).build();
    private static final Path PEERS_HOME = Path.of("src/test/peers");
    private static final Path WORK = Path.of("target/peers");

    private static final Map<Peer, PeerServer> SERVERS = new ConcurrentHashMap<>();

    @AfterAll
    static void stopServers() {
        SERVERS.values().forEach(PeerServer::close);
    }

    // ---- opening handshake

    @ParameterizedTest
    @FieldSource("PEERS")
    void openingHandshakePassesEveryCheckOfOurClient(Peer peer) throws IOException {
        URI uri = uri(peer, "/echo?room=1");
        List<byte[]> responseHead = new ArrayList<>();
        Hixie76Client.Options options = OPTIONS.toBuilder().trace((part, bytes) -> {
            if (part == HandshakePart.RESPONSE_HEAD) {
                responseHead.add(bytes);
            }
        }).build();
        Hixie76Client client = Hixie76Client.connect(uri, options);
        String head = new String(responseHead.get(0), ISO_8859_1);
        assertEquals("HTTP/1.1 101 WebSocket Protocol Handshake", head.substring(0, head.indexOf("\r\n")));
        Map<String, List<String>> headers = client.responseHeaders();
        assertEquals(List.of("WebSocket"), headers.get("upgrade"));
        assertEquals("upgrade", headers.get("connection").get(0).toLowerCase(Locale.ROOT));
        assertEquals(List.of(ORIGIN), headers.get("sec-websocket-origin"));
        assertEquals(List.of(uri.toString()), headers.get("sec-websocket-location"));
        assertFalse(headers.containsKey("sec-websocket-protocol"), "no subprotocol was requested");
        // connect() checked the 16 bytes; an echo shows the connection is usable after them
        client.send(ASCII);
        assertEquals(ASCII, client.awaitMessage(TIMEOUT));
        end(peer, client);
    }

    /**
     * Netty as shipped answers {@code upgrade: websocket}; the draft's client fails the
     * connection unless the value is exactly {@code WebSocket} (§4.1), so Netty is wrong and our
     * client refuses it, naming the check. (Netty's own client compares ignoring case.)
     */
    @Test
    void nettyAsShippedIsRefusedForItsLowerCaseUpgradeValue() throws IOException {
        NettyPeer netty = (NettyPeer) server(Peer.NETTY);
        URI uri = URI.create("ws://127.0.0.1:" + netty.asShippedPort() + "/echo");
        HandshakeException refused = assertThrows(HandshakeException.class, () -> Hixie76Client.connect(uri, OPTIONS));
        assertEquals("upgrade: expected 'WebSocket', got 'websocket'", refused.getMessage());
        assertEquals(101, refused.status());
    }

    /**
     * A requested subprotocol the server accepts must come back exactly (§5.2); without it the
     * client must fail the connection (§4.1). Java-WebSocket 1.3.4 and websocket-driver 0.8.0
     * (configured with {@code protocols: ['chat']}) ignore the field on hixie-76 and answer
     * without it: our client refuses them, as the draft says.
     */
    @ParameterizedTest
    @FieldSource("PEERS")
    void requestedSubprotocolIsEchoedOrTheHandshakeFails(Peer peer) throws IOException {
        Hixie76Client.Options options = OPTIONS.toBuilder().subprotocol("chat").build();
        if (peer.echoesSubprotocol()) {
            Hixie76Client client = Hixie76Client.connect(uri(peer, "/echo"), options);
            assertEquals(List.of("chat"), client.responseHeaders().get("sec-websocket-protocol"));
            end(peer, client);
        } else {
            HandshakeException refused = assertThrows(HandshakeException.class,
                    () -> Hixie76Client.connect(uri(peer, "/echo"), options));
            assertEquals("sec-websocket-protocol: expected exactly one field, got 0", refused.getMessage());
            assertEquals(101, refused.status());
        }
    }

    // ---- data frames

    @ParameterizedTest
    @FieldSource("PEERS")
    void echoesAsciiAndMultiByteUtf8(Peer peer) throws IOException {
        Hixie76Client client = connectAndEcho(peer);
        client.send(UTF8);
        assertEquals(UTF8, client.awaitMessage(TIMEOUT));
        end(peer, client);
    }

    /**
     * An empty message is a message ({@code 00 FF}, §4.2, §5.3). Java-WebSocket never hands a
     * received empty frame to its application, so nothing is echoed; Jetty 8 receives it but
     * writes the echo as a lone {@code 00} without its {@code FF}, so the next frame it sends
     * reads, as the draft's framing says it must, as one message that starts with U+0000. Both
     * are server bugs; our client reads exactly what was sent.
     */
    @ParameterizedTest
    @FieldSource("PEERS")
    void echoesAnEmptyMessage(Peer peer) throws IOException {
        Hixie76Client client = Hixie76Client.connect(uri(peer, "/echo"), OPTIONS);
        client.send("");
        client.send("next");
        List<String> expected = switch (peer) {
            case NETTY, WEBSOCKET_DRIVER -> List.of("", "next");
            case JAVA_WEBSOCKET -> List.of("next");
            case JETTY_8 -> List.of("\u0000next");
        };
        assertEquals(expected, receive(client, expected.size()));
        end(peer, client);
    }

    /**
     * 64 KiB, four-byte characters at both ends. Netty mis-parses a text frame that does not
     * arrive in one read (its reads are at most 64 KiB, so this one never does): it loses its
     * place and takes the payload's first bytes, {@code F0 9F 98 80 78}, for the type and length
     * of a length-prefixed frame (§4.2), 65405048 bytes, over its limit, and closes the
     * connection without {@code FF 00}. By §4.2/§5.3 a text frame runs to its 0xFF however it
     * is split: Netty is wrong. (With ASCII payloads the same bug shows as a truncated echo.)
     */
    @ParameterizedTest
    @FieldSource("PEERS")
    void echoesA64KiBMessage(Peer peer) throws Exception {
        String big = "😀" + "x".repeat(65536 - 8) + "😀";
        assertEquals(65536, big.getBytes(UTF_8).length);
        NettyPeer.ERRORS.clear();
        Hixie76Client client = Hixie76Client.connect(uri(peer, "/echo"), OPTIONS);
        client.send(big);
        String echoed = client.awaitMessage(TIMEOUT);
        if (peer == Peer.NETTY) {
            assertNull(echoed, "no echo: the connection ended");
            assertFalse(client.closeReceived(), "without FF 00");
            Throwable error = NettyPeer.ERRORS.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("frame length exceeds 1048576: 65405048", error == null ? null : error.getMessage());
            client.close();
        } else {
            assertEquals(big, echoed);
            end(peer, client);
        }
    }

    /** Several frames in one write, so that the server reads them in one buffer. */
    @ParameterizedTest
    @FieldSource("PEERS")
    void echoesABurstOfMessagesInOrder(Peer peer) throws IOException {
        List<String> burst = List.of("one", "two", UTF8, "four", "five");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String message : burst) {
            ByteBuffer frame = FrameEncoder.text(message);
            bytes.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        }
        Hixie76Client client = Hixie76Client.connect(uri(peer, "/echo"), OPTIONS);
        client.writeRaw(ByteBuffer.wrap(bytes.toByteArray()));
        assertEquals(burst, receive(client, burst.size()));
        end(peer, client);
    }

    // ---- closing handshake

    /**
     * Our {@code FF 00} must be answered with the server's, then the server closes (§1.4, §5.3).
     * Jetty 8 neither answers nor closes: our client's {@code close()} gives up after its read
     * timeout, closes the socket and says so. Java-WebSocket answers correctly on the wire but
     * reports the client's closing handshake to its application as error 1002
     * "unexpected END_OF_FRAME" (its parser takes the FF for the end of a text frame).
     */
    @ParameterizedTest
    @FieldSource("PEERS")
    void closingHandshake(Peer peer) throws Exception {
        Hixie76Client client = connectAndEcho(peer);
        if (peer == Peer.JAVA_WEBSOCKET) {
            javaWebSocketCloses().clear();
        }
        if (peer.answersClose()) {
            client.sendClose();
            assertNull(client.awaitMessage(TIMEOUT));
            assertTrue(client.closeReceived(), "the server's FF 00");
            assertTrue(client.awaitEnd(), "then the end of the stream");
            client.close();
            if (peer == Peer.JAVA_WEBSOCKET) {
                assertEquals("1002 unexpected END_OF_FRAME",
                        javaWebSocketCloses().poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        } else {
            long start = System.nanoTime();
            SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class, client::close);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("the end of the stream did not come within " + CLOSE_TIMEOUT.toMillis() + " ms",
                    timeout.getMessage());
            assertTrue(waited >= CLOSE_TIMEOUT.toMillis(), "waited " + waited + " ms");
            assertFalse(client.closeReceived(), "Jetty 8 sent no FF 00");
            assertThrows(IOException.class, () -> client.send("after close"), "the socket is closed");
        }
    }

    /**
     * A message and the closing handshake in one segment: the server must still take the message
     * (§5.3 reads frames in order; only what follows FF 00 is discarded). Java-WebSocket's parser
     * fails the whole read at the FF 00, so the message is lost: no echo, just its FF 00.
     */
    @Test
    void javaWebSocketLosesAMessageThatArrivesWithTheClosingHandshake() throws Exception {
        Hixie76Client client = Hixie76Client.connect(uri(Peer.JAVA_WEBSOCKET, "/echo"), OPTIONS);
        javaWebSocketCloses().clear();
        ByteBuffer text = FrameEncoder.text(ASCII);
        ByteBuffer close = FrameEncoder.close();
        client.writeRaw(ByteBuffer.allocate(text.remaining() + close.remaining()).put(text).put(close).flip());
        assertNull(client.awaitMessage(TIMEOUT), "no echo");
        assertTrue(client.closeReceived(), "its FF 00");
        assertTrue(client.awaitEnd());
        client.close();
        assertEquals("1002 unexpected END_OF_FRAME",
                javaWebSocketCloses().poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    // ---- the command-line client, once

    @Test
    void wscatRelaysMessagesAndClosesWithWebsocketDriver() throws IOException {
        String url = uri(Peer.WEBSOCKET_DRIVER, "/echo").toString();
        Run ok = wscat(ASCII + "\n" + UTF8 + "\n", url);
        assertEquals(0, ok.exit, ok.stderr);
        assertEquals(ASCII + "\n" + UTF8 + "\n", ok.stdout);
        assertEquals("", ok.stderr);

        Run refused = wscat("", "-s", "chat", url);
        assertEquals(1, refused.exit);
        assertEquals("wscat: handshake with " + url + " failed: sec-websocket-protocol: expected exactly one field, got 0\n",
                refused.stderr);
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run wscat(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Wscat.run(args, new ByteArrayInputStream(stdin.getBytes(UTF_8)), new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8));
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    // ---- helpers

    /**
     * Ends a test's connection as the peer allows: the closing handshake, or with Jetty 8, which
     * never answers it, our {@code FF 00} and the socket closed after {@link #CLOSE_TIMEOUT}.
     */
    private static void end(Peer peer, Hixie76Client client) throws IOException {
        if (peer.answersClose()) {
            client.close();
            assertTrue(client.closeReceived(), peer + " answered FF 00");
        } else {
            assertThrows(SocketTimeoutException.class, client::close);
        }
    }

    /** How Java-WebSocket's application saw each close. */
    private static BlockingQueue<String> javaWebSocketCloses() {
        return ((JavaWebSocketPeer) server(Peer.JAVA_WEBSOCKET)).server().closes();
    }

    /** A connection to the peer's {@code /echo} that has echoed one ASCII message. */
    private static Hixie76Client connectAndEcho(Peer peer) throws IOException {
        Hixie76Client client = Hixie76Client.connect(uri(peer, "/echo"), OPTIONS);
        client.send(ASCII);
        assertEquals(ASCII, client.awaitMessage(TIMEOUT));
        return client;
    }

    private static List<String> receive(Hixie76Client client, int count) throws IOException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            got.add(client.awaitMessage(TIMEOUT));
        }
        return got;
    }

    private static URI uri(Peer peer, String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server(peer).port() + pathAndQuery);
    }

    private static PeerServer server(Peer peer) {
        return SERVERS.computeIfAbsent(peer, p -> {
            try {
                return switch (p) {
                    case NETTY -> new NettyPeer();
                    case JAVA_WEBSOCKET -> new JavaWebSocketPeer(new JavaWebSocketServer(true));
                    case WEBSOCKET_DRIVER -> websocketDriver();
                    case JETTY_8 -> jetty8();
                };
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start " + p + ": " + e.getMessage(), e);
            }
        });
    }

    interface PeerServer extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    // ---- Netty

    /**
     * Two Netty echo servers written as Netty's examples are (HTTP codec, aggregator, the
     * handshaker the factory picks): one as shipped, one whose 101 carries {@code Upgrade:
     * WebSocket} as the draft spells it, which is all it takes for a strict client to accept it.
     */
    static final class NettyPeer implements PeerServer {
        /** What Netty's pipeline failed with, in the order it happened (the handler then closes the connection). */
        static final BlockingQueue<Throwable> ERRORS = new LinkedBlockingQueue<>();
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel asShipped;
        private final Channel upgradeFixed;

        NettyPeer() throws InterruptedException {
            asShipped = bind(false);
            upgradeFixed = bind(true);
        }

        @Override
        public int port() {
            return ((InetSocketAddress) upgradeFixed.localAddress()).getPort();
        }

        int asShippedPort() {
            return ((InetSocketAddress) asShipped.localAddress()).getPort();
        }

        @Override
        public void close() {
            asShipped.close().syncUninterruptibly();
            upgradeFixed.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        private Channel bind(boolean fixUpgradeValue) throws InterruptedException {
            return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec());
                            if (fixUpgradeValue) {
                                ch.pipeline().addLast(new UpgradeValueAsTheDraftSpellsIt());
                            }
                            ch.pipeline().addLast(new HttpObjectAggregator(1 << 20), new NettyEcho());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }
    }

    /** Rewrites the 101's {@code Upgrade} value: Handshaker00 sets {@code websocket}, the draft says {@code WebSocket}. */
    static final class UpgradeValueAsTheDraftSpellsIt extends ChannelDuplexHandler {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response && response.status().code() == 101) {
                response.headers().set(HttpHeaderNames.UPGRADE, "WebSocket");
            }
            ctx.write(msg, promise);
        }
    }

    static final class NettyEcho extends SimpleChannelInboundHandler<Object> {
        private WebSocketServerHandshaker handshaker;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                String location = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
                handshaker = new WebSocketServerHandshakerFactory(location, "chat", false, 1 << 20).newHandshaker(request);
                if (handshaker == null) {
                    WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                } else {
                    handshaker.handshake(ctx.channel(), request);
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                // Handshaker00 answers FF 00 and leaves TCP open; the server closes it (§1.4)
                handshaker.close(ctx.channel(), close.retain()).addListener(ChannelFutureListener.CLOSE);
            } else if (msg instanceof TextWebSocketFrame text) {
                ctx.writeAndFlush(text.retain());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            NettyPeer.ERRORS.add(cause);
            ctx.close();
        }
    }

    // ---- Java-WebSocket

    /** Java-WebSocket's server with only {@code Draft_76}; it records how its application saw each close. */
    record JavaWebSocketPeer(JavaWebSocketServer server) implements PeerServer {
        @Override
        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    // ---- websocket-driver (Node)

    /** websocket-driver from the lock file under src/test/peers, installed into target/node-peers; its echo server. */
    private static PeerServer websocketDriver() throws IOException, InterruptedException {
        Path source = PEERS_HOME.resolve("websocket-driver");
        Path modules = NodePackages.install(source, Path.of("target/node-peers"));
        return PeerProcess.start("websocket-driver", List.of(NodePackages.onPath("node").toString(),
                source.resolve("server.js").toString(), modules.toAbsolutePath().toString()));
    }

    // ---- Jetty 8

    /** Jetty 8 in a JVM of its own, its classpath resolved by Maven once (src/test/peers/jetty-8/pom.xml). */
    private static PeerServer jetty8() throws IOException {
        Path home = PEERS_HOME.resolve("jetty-8");
        String classpath = Container.classpath(home.resolve("pom.xml"), "peer-jetty-8");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return PeerProcess.start("jetty-8",
                List.of(java, "-cp", classpath, home.resolve("Jetty8Launcher.java").toString()));
    }

    /**
     * A peer in a process of its own that prints "LISTENING port" and runs until its standard
     * input ends; its output goes to target/peers/NAME.log.
     */
    static final class PeerProcess implements PeerServer {
        private final Process process;
        private final int port;

        private PeerProcess(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static PeerProcess start(String name, List<String> command) throws IOException {
            Files.createDirectories(WORK);
            Path log = WORK.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> copy(process, log, port), name + "-log");
            reader.setDaemon(true);
            reader.start();
            try {
                return new PeerProcess(process, port.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IOException(name + " did not say its port within 60 s; see " + log.toAbsolutePath(), e);
            }
        }

        private static void copy(Process process, Path log, CompletableFuture<Integer> port) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
                    OutputStream file = Files.newOutputStream(log)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("LISTENING ")) {
                        port.complete(Integer.parseInt(line.substring("LISTENING ".length()).trim()));
                    }
                    file.write((line + "\n").getBytes(UTF_8));
                    file.flush();
                }
            } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException("the process ended"));
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
