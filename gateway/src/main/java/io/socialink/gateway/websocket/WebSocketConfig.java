package io.socialink.gateway.websocket;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Routes {@code /ws/{userId}/{deviceId}} to the device socket handler, with frames of up to 4 MiB: a Welcome or
 * Commit envelope carries up to 2 MiB of MLS, base64 in JSON.
 */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfig implements WebFluxConfigurer {

    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    private final ConnectionLimit connectionLimit;

    public WebSocketConfig(ConnectionLimit connectionLimit) {
        this.connectionLimit = connectionLimit;
    }

    @Bean
    public HandlerMapping deviceSocketMapping(DeviceSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(SocketPaths.PATTERN, handler), Ordered.HIGHEST_PRECEDENCE);
    }

    @Override
    public WebSocketService getWebSocketService() {
        return new SocketHandshake(
                new ReactorNettyRequestUpgradeStrategy(
                        () -> WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME_BYTES)),
                connectionLimit);
    }
}
