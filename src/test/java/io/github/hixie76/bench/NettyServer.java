package io.github.hixie76.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;

/**
 * The reference server of the benchmark: hixie-76 {@code /echo} and {@code /chat} on Netty 4.2,
 * written the way Netty's own WebSocket examples are (HTTP codec and aggregator, the
 * handshaker from {@link WebSocketServerHandshakerFactory}, which picks
 * {@code WebSocketServerHandshaker00} for a -76 request; writes flushed once per read batch;
 * broadcast through a {@link ChannelGroup}). Limits as ours: 1 MiB frames.
 *
 * <p>Thread-safe; one event loop per core.
 */
final class NettyServer implements AutoCloseable {

    private static final int MAX_FRAME = 1 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ChannelGroup chat = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    NettyServer() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        chat.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {

        private WebSocketServerHandshaker handshaker;
        private boolean isChat;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                handshake(ctx, request);
            } else if (msg instanceof CloseWebSocketFrame close) {
                // Handshaker00 answers FF 00 but leaves the TCP connection open; the server closes it (§1.4)
                handshaker.close(ctx.channel(), close.retain()).addListener(ChannelFutureListener.CLOSE);
            } else if (msg instanceof TextWebSocketFrame text) {
                if (isChat) {
                    chat.writeAndFlush(text.retain());
                } else {
                    ctx.write(text.retain());
                }
            } else if (msg instanceof WebSocketFrame) {
                // other frame types are discarded, as the draft says
            }
        }

        private void handshake(ChannelHandlerContext ctx, FullHttpRequest request) {
            String location = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
            handshaker = new WebSocketServerHandshakerFactory(location, null, false, MAX_FRAME).newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            isChat = request.uri().startsWith("/chat");
            handshaker.handshake(ctx.channel(), request).addListener(done -> {
                if (done.isSuccess() && isChat) {
                    chat.add(ctx.channel());
                }
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
