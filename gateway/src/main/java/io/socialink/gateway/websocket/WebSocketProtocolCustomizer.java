package io.socialink.gateway.websocket;

import io.socialink.gateway.problem.ClientErrors;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/** Installs {@link WebSocketProtocolGuard} in every HTTP/1.1 connection, where it waits for a WebSocket upgrade. */
@Component
public class WebSocketProtocolCustomizer implements NettyServerCustomizer {

    private final WebSocketProtocolGuard guard;

    public WebSocketProtocolCustomizer(ClientErrors clientErrors) {
        this.guard = new WebSocketProtocolGuard(clientErrors);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null) {
                channel.pipeline().addBefore(NettyPipeline.HttpTrafficHandler, WebSocketProtocolGuard.NAME, guard);
            }
        });
    }
}
