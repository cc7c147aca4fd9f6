package io.socialink.gateway.problem;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Installs {@link ProblemBodies} in every HTTP/1.1 connection, right after the HTTP codec, so that it sees the
 * responses Reactor Netty writes for requests that never reach WebFlux.
 */
@Component
public class ProblemBodiesCustomizer implements NettyServerCustomizer {

    private final ProblemBodies problemBodies;

    public ProblemBodiesCustomizer(JsonMapper json, ClientErrors clientErrors) {
        this.problemBodies = new ProblemBodies(json, clientErrors);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null) {
                channel.pipeline().addBefore(NettyPipeline.HttpTrafficHandler, ProblemBodies.NAME, problemBodies);
            }
        });
    }
}
