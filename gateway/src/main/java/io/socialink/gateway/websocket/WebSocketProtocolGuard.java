package io.socialink.gateway.websocket;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.socialink.gateway.problem.ClientErrors;

/**
 * Makes the WebSocket frame decoding of a connection strict and answers every protocol violation with a close frame
 * (RFC 6455 7.4.1): 1007 for a text frame (or close reason) that is not UTF-8, 1002 for reserved bits without a
 * negotiated extension, an invalid close code or any other malformed frame, 1009 for a frame above
 * {@link WebSocketConfig#MAX_FRAME_BYTES}. Reactor Netty's decoder does not validate UTF-8 and, on a bad close code,
 * drops the TCP connection without a close frame; this handler sees the 101 of the upgrade go out and swaps in a
 * decoder that leaves the closing to it. Violations are client errors: counted, never logged above debug.
 */
@ChannelHandler.Sharable
public final class WebSocketProtocolGuard extends ChannelDuplexHandler {

    /** Name of this handler in the channel pipeline. */
    public static final String NAME = "socialink.webSocketProtocolGuard";

    /** Netty's name of the WebSocket frame decoder the handshake installs. */
    static final String DECODER = "wsdecoder";

    static final String UTF8_VALIDATOR = "socialink.wsUtf8Validator";
    static final String VIOLATIONS = "socialink.wsProtocolViolations";

    private final ClientErrors clientErrors;
    private final ChannelHandler violations;

    public WebSocketProtocolGuard(ClientErrors clientErrors) {
        this.clientErrors = clientErrors;
        this.violations = new Violations();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            strictDecoding(ctx.pipeline());
        }
        super.write(ctx, msg, promise);
    }

    private void strictDecoding(ChannelPipeline pipeline) {
        if (pipeline.get(DECODER) == null || pipeline.get(VIOLATIONS) != null) {
            return;
        }
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(WebSocketConfig.MAX_FRAME_BYTES)
                .allowExtensions(false)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false)
                .build();
        pipeline.replace(DECODER, DECODER, new WebSocket13FrameDecoder(config));
        pipeline.addAfter(DECODER, UTF8_VALIDATOR, new Utf8FrameValidator(false));
        pipeline.addAfter(UTF8_VALIDATOR, VIOLATIONS, violations);
    }

    /** Turns a decoder's protocol violation into the close frame its status names, then closes the connection. */
    @ChannelHandler.Sharable
    private final class Violations extends ChannelInboundHandlerAdapter {

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (!(cause instanceof CorruptedWebSocketFrameException corrupted)) {
                super.exceptionCaught(ctx, cause);
                return;
            }
            WebSocketCloseStatus status =
                    corrupted.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : corrupted.closeStatus();
            clientErrors.record(ClientErrors.WEBSOCKET_PROTOCOL, status.code() + " " + corrupted.getMessage());
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), status.reasonText()))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
