package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/** The handshake over a real Reactor Netty server and client. */
class SocketHandshakeTest {

    @Test
    void shouldKeepNoHeaderOfTheUpgradeRequestOnceTheSocketIsOpen() {
        // given a node whose socket handler reads what the upgrade request still holds
        AtomicReference<ServerWebExchange> upgrade = new AtomicReference<>();
        WebSocketHandler handler = session -> {
            HttpServerRequest request =
                    ServerHttpRequestDecorator.getNativeRequest(upgrade.get().getRequest());
            List<String> names = List.copyOf(request.requestHeaders().names());
            return session.send(Mono.just(session.textMessage("headers=" + String.join(",", names))));
        };
        SocketHandshake handshake = new SocketHandshake(
                new ReactorNettyRequestUpgradeStrategy(),
                new ConnectionLimit(
                        new GatewayProperties(0, 10, Duration.ofSeconds(30), Duration.ofSeconds(60), 256, 10),
                        new GatewayMetrics(new SimpleMeterRegistry())));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.webHandler(exchange -> {
                            upgrade.set(exchange);
                            return handshake.handleRequest(exchange, handler);
                        })
                        .build()))
                .bindNow();
        try {
            // when a client upgrades with credentials and more headers
            String frame = HttpClient.create()
                    .headers(headers -> headers.set("Authorization", "Basic dXNlcjpzZWNyZXQ=")
                            .set("User-Agent", "socialink-test"))
                    .websocket()
                    .uri("ws://127.0.0.1:" + server.port() + "/ws/user/1")
                    .handle((in, out) -> in.receive().asString().take(1))
                    .blockLast(Duration.ofSeconds(10));

            // then the socket opened, and by then the request kept none of its headers
            assertThat(frame).isEqualTo("headers=");
        } finally {
            server.disposeNow();
        }
    }
}
