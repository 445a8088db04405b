package io.github.hixie76.it;

import static io.github.hixie76.testing.Bytes.concat;
import static io.github.hixie76.testing.Bytes.textFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.testing.Bytes;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.RecordingProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_76;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Third-party hixie-76 clients against the demo webapp: Netty's {@code WebSocketClientHandshaker00}
 * and Java-WebSocket 1.3.4's {@code Draft_76}. Each must complete the opening handshake, get
 * ASCII and multi-byte UTF-8 echoed exactly, and end with the closing handshake; and both must
 * share one chat room.
 *
 * <p>The two clients differ from browsers in ways the server has to cope with (notes §6): Netty
 * sends {@code upgrade: websocket} in lower case and key3 as a body with {@code Content-Length: 8};
 * Java-WebSocket sends a browser-style request but has bugs of its own: key bytes outside the
 * draft's range (see {@link #openJavaWebSocket}) and two races in its close (see
 * {@link #javaWebSocketGetsAsciiAndUtf8EchoedThenClosesCleanly}). They are handled and asserted
 * rather than hidden, and the server's side is asserted byte for byte through a
 * {@link RecordingProxy}.
 *
 * <p>Every container of the matrix serves the packaged WAR; the one under test is supplied in
 * one place, {@link #uri}.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("io.github.hixie76.testing.Container#NAMES")
class ThirdPartyClientsIT {

    @Parameter
    String containerName;

    private static volatile Container server;

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Java-WebSocket handshakes refused for its DEL-key bug before the test gives up (each ~15 %). */
    private static final int JWS_ATTEMPTS = 10;

    private static final String ASCII = "hello, hixie-76";
    private static final String UTF8 = "héllo ∑ 日本語 😀 𝄞 end";

    private static EventLoopGroup netty;

    @BeforeEach
    void selectContainer() {
        server = Container.get(containerName);
    }

    static URI uri(String path) {
        return server.uri(path);
    }

    @BeforeAll
    static void startNetty() {
        netty = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopNetty() throws Exception {
        netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- Netty

    @Test
    void nettyCompletesTheHandshakeWithTheDraftsHeaders() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.to(uri("/echo"));
                NettyClient client = NettyClient.connect(proxy.uri())) {
            RecordingProxy.Connection wire = proxy.connection(0, TIMEOUT);
            String request = RecordingProxy.Connection.head(wire.fromClient());
            // What sets Netty's request apart from a browser's (notes §6).
            assertEquals(List.of("websocket"), field(request, "Upgrade"), request);
            assertEquals(List.of("8"), field(request, "Content-Length"), request);

            String response = RecordingProxy.Connection.head(wire.fromServer());
            assertTrue(response.startsWith("HTTP/1.1 101 "), response);
            // The draft's server answers "WebSocket" whatever the case of the request (§5.2).
            assertEquals(List.of("WebSocket"), field(response, "Upgrade"), response);
            assertEquals(List.of("Upgrade"), field(response, "Connection"), response);
            assertEquals(field(request, "Origin"), field(response, "Sec-WebSocket-Origin"), response);
            assertEquals(List.of(proxy.uri().toString()), field(response, "Sec-WebSocket-Location"), response);
            assertEquals(List.of(), field(response, "Sec-WebSocket-Protocol"), response);
            assertEquals(List.of(), field(response, "Content-Length"), response);
            assertEquals(List.of(), field(response, "Transfer-Encoding"), response);
            // Exactly the 16 digest bytes follow the head, and Netty, which compares them with its
            // own MD5 before finishing the handshake, got the same 16.
            byte[] digest = RecordingProxy.Connection.afterHead(wire.fromServer());
            assertEquals(16, digest.length);
            assertArrayEquals(digest, client.response.digest());
            assertEquals(101, client.response.status());
        }
    }

    @Test
    void nettyGetsAsciiAndUtf8EchoedThenClosesCleanly() throws Exception {
        NettyClient client = NettyClient.connect(uri("/echo"));
        try {
            client.send(ASCII);
            assertEquals(ASCII, client.receive());
            client.send(UTF8);
            assertEquals(UTF8, client.receive());

            // The client's FF 00 must be answered with FF 00 (a CloseWebSocketFrame to Netty) and
            // the server must then close TCP itself: this client never closes the channel.
            client.channel.writeAndFlush(new CloseWebSocketFrame()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            client.closeReceived.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            client.channel.closeFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(List.of(), client.messages.stream().toList(), "frames after the echoes");
            assertEquals(List.of(), client.errors, "errors on the Netty channel");
        } finally {
            client.close();
        }
    }

    // ---- Java-WebSocket

    @Test
    void javaWebSocketCompletesTheHandshakeWithTheDraftsHeaders() throws Exception {
        try (JwsConnection jws = openJavaWebSocket("/echo")) {
            String head = RecordingProxy.Connection.head(jws.wire.fromServer());
            List<String> lines = List.of(head.split("\r\n"));
            assertTrue(lines.get(0).startsWith("HTTP/1.1 101 "), head);
            assertEquals(List.of("WebSocket"), field(head, "Upgrade"), head);
            assertEquals(List.of("Upgrade"), field(head, "Connection"), head);
            // Java-WebSocket makes up an Origin such as "random-1234567"; it must come back as is.
            assertEquals(field(RecordingProxy.Connection.head(jws.wire.fromClient()), "Origin"),
                    field(head, "Sec-WebSocket-Origin"), head);
            assertEquals(List.of(jws.proxy.uri().toString()), field(head, "Sec-WebSocket-Location"), head);
            assertEquals(List.of(), field(head, "Content-Length"), head);
            assertEquals(List.of(), field(head, "Transfer-Encoding"), head);
            assertEquals(101, jws.client.opened.get().getHttpStatus());
        }
    }

    @Test
    void javaWebSocketGetsAsciiAndUtf8EchoedThenClosesCleanly() throws Exception {
        try (JwsConnection jws = openJavaWebSocket("/echo")) {
            JwsClient client = jws.client;
            client.send(ASCII);
            assertEquals(ASCII, client.receive());
            client.send(UTF8);
            assertEquals(UTF8, client.receive());

            client.close();
            JwsClient.Closed closed = client.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertFalse(closed.remote(), closed::toString);
            // Java-WebSocket closes its socket in onClose: once the proxy has seen that, it has
            // recorded everything the client sent.
            jws.wire.clientEnded().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            byte[] frames = concat(textFrame(ASCII), textFrame(UTF8));
            byte[] fromClient = RecordingProxy.Connection.afterHead(jws.wire.fromClient());
            byte[] sent = Arrays.copyOfRange(fromClient, 8, fromClient.length);
            List<String> errors = client.errors.stream().map(String::valueOf).toList();

            // Java-WebSocket 1.3.4's close() is racy in two ways, both client bugs:
            // (1) it queues FF 00 for its writer thread, then marks itself closing; a reader
            //     thread that sees that before blocking in read() ends the connection at once,
            //     interrupting the writer before FF 00 is written: TCP is closed with no closing
            //     handshake, yet onClose reports 1000 with no error (§1.4: a clean close needs
            //     both FF 00);
            // (2) the readystate it sets after queueing FF 00 is not volatile; when the server's
            //     answer reaches the reader first, it takes FF 00 for a stray END_OF_FRAME
            //     (§4.2: it is the closing handshake): onError(InvalidFrameException), a second
            //     FF 00, and onClose with 1002 or, when the closing thread got there first, 1000.
            // What the server must do is asserted byte for byte in every case.
            if (Arrays.equals(frames, sent)) {
                // (1): no FF 00 came, so the server rightly waits; once it sees the client's end
                // of stream it must close too, sending nothing more.
                assertEquals(new JwsClient.Closed(CloseFrame.NORMAL, "", false), closed);
                assertEquals(List.of(), errors, "errors reported by Java-WebSocket");
                assertFalse(jws.wire.serverEnded().isDone(), "the server closed before the client's FF 00 or end");
                jws.wire.passClientEndOn();
                assertEquals(RecordingProxy.End.EOF, jws.wire.serverEnded().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                byte[] fromServer = RecordingProxy.Connection.afterHead(jws.wire.fromServer());
                assertArrayEquals(frames, Arrays.copyOfRange(fromServer, 16, fromServer.length),
                        "what the server sent after the 16-byte digest");
                return;
            }
            if (errors.isEmpty()) {
                assertEquals(new JwsClient.Closed(CloseFrame.NORMAL, "", false), closed);
                assertArrayEquals(concat(frames, CLOSE), sent, "what Java-WebSocket sent after key3");
            } else {
                // (2)
                assertEquals(List.of("org.java_websocket.exceptions.InvalidFrameException: unexpected END_OF_FRAME"),
                        errors, "errors reported by Java-WebSocket");
                assertTrue(closed.code() == CloseFrame.NORMAL
                        || closed.equals(new JwsClient.Closed(CloseFrame.PROTOCOL_ERROR, "unexpected END_OF_FRAME", false)),
                        closed::toString);
                if (!Arrays.equals(concat(frames, CLOSE, CLOSE), sent)) {
                    assertArrayEquals(concat(frames, CLOSE), sent, "what Java-WebSocket sent after key3");
                }
            }
            // The client's FF 00 came: the server must answer FF 00, send nothing after it, and
            // close TCP by itself (the proxy has not passed the client's end of stream on).
            assertEquals(RecordingProxy.End.EOF, jws.wire.serverEnded().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            byte[] fromServer = RecordingProxy.Connection.afterHead(jws.wire.fromServer());
            assertArrayEquals(concat(frames, CLOSE), Arrays.copyOfRange(fromServer, 16, fromServer.length),
                    "what the server sent after the 16-byte digest");
        }
    }

    // ---- both at once

    @Test
    void chatReachesANettyAndAJavaWebSocketClientExactlyOnce() throws Exception {
        try (NettyClient nettyClient = NettyClient.connect(uri("/chat"));
                JwsConnection jws = openJavaWebSocket("/chat")) {
            JwsClient jwsClient = jws.client;

            nettyClient.send("from Netty 😀");
            assertEquals("from Netty 😀", nettyClient.receive());
            assertEquals("from Netty 😀", jwsClient.receive());

            jwsClient.send("from Java-WebSocket ∑");
            assertEquals("from Java-WebSocket ∑", jwsClient.receive());
            assertEquals("from Java-WebSocket ∑", nettyClient.receive());

            // A duplicate of either message would arrive before the marker.
            nettyClient.send("marker");
            assertEquals("marker", nettyClient.receive(), "a message reached Netty twice");
            assertEquals("marker", jwsClient.receive(), "a message reached Java-WebSocket twice");

            assertEquals(List.of(), nettyClient.errors);
            assertEquals(List.of(), jwsClient.errors);
        }
    }

    // ---- Java-WebSocket's handshakes

    /**
     * Opens a Java-WebSocket 1.3.4 client through a {@link RecordingProxy}. Its {@code Draft_76}
     * draws key noise from 0x21–0x7F, so about one handshake in seven carries a DEL (0x7F) that
     * §4.1 forbids (its noise is U+0021–U+002F and U+003A–U+007E); HTTP parsers refuse it
     * before any servlet runs. A refused attempt is retried only when the recorded request shows
     * such a key and the server answered 400; any other refusal fails the test.
     */
    private static JwsConnection openJavaWebSocket(String path) throws Exception {
        RecordingProxy proxy = RecordingProxy.to(uri(path));
        List<String> refusals = new ArrayList<>();
        try {
            for (int attempt = 0; attempt < JWS_ATTEMPTS; attempt++) {
                JwsClient client = new JwsClient(proxy.uri());
                client.connect();
                CompletableFuture.anyOf(client.opened, client.closed).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                RecordingProxy.Connection wire = proxy.connection(attempt, TIMEOUT);
                if (client.opened.isDone() && !client.opened.isCompletedExceptionally()) {
                    return new JwsConnection(proxy, wire, client);
                }
                wire.serverEnded().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                String request = RecordingProxy.Connection.head(wire.fromClient());
                String response = RecordingProxy.Connection.head(wire.fromServer());
                List<String> badKeys = nonConformingKeys(request);
                assertFalse(badKeys.isEmpty(), () -> "Java-WebSocket's handshake was refused although its keys conform"
                        + " (" + client.closed.join() + ")\n--- request\n" + request + "\n--- response\n" + response);
                assertTrue(response.startsWith("HTTP/1.1 400 "), () -> "a key with " + badKeys
                        + " was not refused with 400\n--- response\n" + response);
                refusals.add(String.join(", ", badKeys));
            }
        } catch (Throwable e) {
            proxy.close();
            throw e;
        }
        proxy.close();
        return fail(JWS_ATTEMPTS + " Java-WebSocket handshakes in a row were refused, each for a key byte outside"
                + " the draft's range: " + refusals);
    }

    /** The Sec-WebSocket-Key1/Key2 lines of a request head with a byte outside U+0020–U+007E. */
    private static List<String> nonConformingKeys(String requestHead) {
        List<String> bad = new ArrayList<>();
        for (String line : requestHead.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("sec-websocket-key1:") && !lower.startsWith("sec-websocket-key2:")) {
                continue;
            }
            for (char c : line.toCharArray()) {
                if (c < 0x20 || c > 0x7E) {
                    bad.add(String.format("%s has 0x%02X", line.substring(0, line.indexOf(':')), (int) c));
                }
            }
        }
        return bad;
    }

    private static List<String> field(String head, String name) {
        List<String> values = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                values.add(line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    private static final byte[] CLOSE = Bytes.closeFrame();

    private static String poll(BlockingQueue<String> messages, String who) throws InterruptedException {
        String message = messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            fail(who + " received no message within " + TIMEOUT);
        }
        return message;
    }

    /** An open Java-WebSocket client, its proxy and its recorded connection; closing ends all. */
    private record JwsConnection(RecordingProxy proxy, RecordingProxy.Connection wire, JwsClient client)
            implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            try {
                if (!client.closed.isDone()) {
                    client.close();
                    try {
                        client.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        fail("Java-WebSocket did not close within " + TIMEOUT, e);
                    }
                }
            } finally {
                proxy.close();
            }
        }
    }

    /** Java-WebSocket 1.3.4 with {@code Draft_76}; its callbacks run on its reading thread. */
    private static final class JwsClient extends WebSocketClient {

        record Closed(int code, String reason, boolean remote) {
        }

        final CompletableFuture<ServerHandshake> opened = new CompletableFuture<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final List<Exception> errors = new CopyOnWriteArrayList<>();

        JwsClient(URI uri) {
            super(uri, new Draft_76());
            // Its keep-alive timer sends RFC 6455 pings, which Draft_76 cannot encode.
            setConnectionLostTimeout(0);
        }

        String receive() throws InterruptedException {
            return poll(messages, "Java-WebSocket");
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            opened.complete(handshake);
        }

        @Override
        public void onMessage(String message) {
            messages.add(message);
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            closed.complete(new Closed(code, reason, remote));
            opened.completeExceptionally(new IllegalStateException("closed before opening: " + code + " " + reason));
        }

        @Override
        public void onError(Exception error) {
            errors.add(error);
        }
    }

    // ---- Netty client

    /**
     * A Netty hixie-76 client: {@code HttpClientCodec}, {@code HttpObjectAggregator} and a small
     * handler driving Netty's own V00 handshaker, which then installs Netty's -00 frame codecs.
     */
    private static final class NettyClient extends SimpleChannelInboundHandler<Object> implements AutoCloseable {

        /** The 101 response as Netty parsed it: status, header fields and the 16-byte digest. */
        record Response(int status, HttpHeaders headers, byte[] digest) {
            @Override
            public String toString() {
                return status + " " + headers;
            }
        }

        final WebSocketClientHandshaker handshaker;
        final CompletableFuture<Response> handshake = new CompletableFuture<>();
        final CompletableFuture<Void> closeReceived = new CompletableFuture<>();
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        Channel channel;
        Response response;

        private NettyClient(URI uri) {
            handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V00, null, false,
                    EmptyHttpHeaders.INSTANCE);
        }

        static NettyClient connect(URI uri) throws Exception {
            NettyClient client = new NettyClient(uri);
            Bootstrap bootstrap = new Bootstrap()
                    .group(netty)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192), client);
                        }
                    });
            ChannelFuture connected = bootstrap.connect(uri.getHost(), uri.getPort());
            client.channel = connected.channel();
            connected.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                client.response = client.handshake.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                client.close();
                throw e;
            }
            return client;
        }

        void send(String text) throws Exception {
            channel.writeAndFlush(new TextWebSocketFrame(text)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        String receive() throws InterruptedException {
            return poll(messages, "Netty");
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel()).addListener(written -> {
                if (!written.isSuccess()) {
                    handshake.completeExceptionally(written.cause());
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse http) {
                Response seen = new Response(http.status().code(), http.headers().copy(), ByteBufUtil.getBytes(http.content()));
                try {
                    handshaker.finishHandshake(ctx.channel(), http);
                    handshake.complete(seen);
                } catch (RuntimeException e) {
                    handshake.completeExceptionally(new AssertionError("Netty refused the handshake: " + seen, e));
                    ctx.close();
                }
            } else if (msg instanceof TextWebSocketFrame text) {
                messages.add(text.text());
            } else if (msg instanceof CloseWebSocketFrame) {
                closeReceived.complete(null);
            } else {
                errors.add(new AssertionError("unexpected " + msg));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.completeExceptionally(new AssertionError("connection closed during the handshake"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            handshake.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void close() throws Exception {
            if (channel != null) {
                channel.close().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
