package io.socialink.gateway.websocket;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The WebSocket handshake, refusing a WebSocket version other than 13 with a 426 problem (and
 * {@code Sec-WebSocket-Version: 13}) before the upgrade starts; Reactor Netty would otherwise answer it with a
 * bodiless response after Spring considered the response committed.
 */
final class SocketHandshake extends HandshakeWebSocketService {

    static final String VERSION_HEADER = "Sec-WebSocket-Version";
    static final String VERSION = "13";

    SocketHandshake(RequestUpgradeStrategy upgradeStrategy) {
        super(upgradeStrategy);
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        if ("websocket".equalsIgnoreCase(headers.getUpgrade()) && !VERSION.equals(headers.getFirst(VERSION_HEADER))) {
            exchange.getResponse().getHeaders().set(VERSION_HEADER, VERSION);
            return Mono.error(new ProblemException(Problem.of(
                    HttpStatus.UPGRADE_REQUIRED, "upgrade-required", "only WebSocket version 13 is supported")));
        }
        return super.handleRequest(exchange, handler);
    }
}
