package io.socialink.gateway.problem;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last guard of "every error is problem+json": a Netty handler between the HTTP codec and Reactor Netty that
 * gives an empty error response (no body, no content type) a problem+json body named after its status. Such
 * responses come from below the web layer: Reactor Netty's answers to requests the HTTP decoder rejected (414 URI
 * too long, 431 headers too large, 400), and Spring's bodiless rejections (a URI Spring cannot parse, a path the
 * security firewall refuses). Each of them is a client error, recorded in {@link ClientErrors}. Responses with a
 * body are passed on untouched; a HEAD response keeps no body, as the codec drops it.
 */
@ChannelHandler.Sharable
public final class ProblemBodies extends ChannelDuplexHandler {

    /** Name of this handler in the channel pipeline. */
    public static final String NAME = "socialink.problemBodies";

    /** What the decoder found wrong with the connection's request, until the response to it is written. */
    private static final AttributeKey<String> DECODER_FAILURE = AttributeKey.valueOf("socialink.decoderFailure");

    private final JsonMapper json;
    private final ClientErrors clientErrors;

    public ProblemBodies(JsonMapper json, ClientErrors clientErrors) {
        this.json = json;
        this.clientErrors = clientErrors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
            ctx.channel()
                    .attr(DECODER_FAILURE)
                    .set(String.valueOf(request.decoderResult().cause()));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FullHttpResponse response
                && response.status().code() >= 400
                && !response.content().isReadable()
                && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
            ctx.write(withProblemBody(ctx, response), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    private FullHttpResponse withProblemBody(ChannelHandlerContext ctx, FullHttpResponse response) {
        HttpStatus status = HttpStatus.resolve(response.status().code());
        Problem problem = ProblemWebExceptionHandler.fromStatus(status == null ? HttpStatus.BAD_REQUEST : status, null);
        String decoderFailure = ctx.channel().attr(DECODER_FAILURE).getAndSet(null);
        if (decoderFailure != null) {
            clientErrors.record(ClientErrors.HTTP_DECODER, decoderFailure);
        } else if (problem.status().is4xxClientError()) {
            clientErrors.record(
                    ClientErrors.HTTP_REJECTED,
                    Integer.toString(response.status().code()));
        }
        byte[] bytes = json.writeValueAsBytes(problem.body());
        FullHttpResponse replaced = new DefaultFullHttpResponse(
                response.protocolVersion(),
                response.status(),
                Unpooled.wrappedBuffer(bytes),
                response.headers().copy(),
                response.trailingHeaders().copy());
        replaced.headers().set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        replaced.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        response.release();
        return replaced;
    }
}
