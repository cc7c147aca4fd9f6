package io.socialink.gateway.websocket;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The WebSocket handshake, refusing a WebSocket version other than 13 with a 426 problem (and
 * {@code Sec-WebSocket-Version: 13}) before the upgrade starts; Reactor Netty would otherwise answer it with a
 * bodiless response after Spring considered the response committed.
 *
 * <p>An upgrade that finds this node at its {@link ConnectionLimit} is refused with 503 {@code connections-exhausted},
 * {@code Retry-After} and {@code Connection: close}. The refusal comes here, after authentication: it is the first
 * place that can hand a reserved slot over to the socket's lifetime, and a client with bad credentials keeps getting
 * its 401/403 rather than being sent from node to node.
 *
 * <p>Once a socket is open, its upgrade request keeps no headers: see {@link #withoutRequestHeaders}.
 */
final class SocketHandshake extends HandshakeWebSocketService {

    static final String VERSION_HEADER = "Sec-WebSocket-Version";
    static final String VERSION = "13";

    private static final String KEY_HEADER = "Sec-WebSocket-Key";
    private static final HttpHeaders EMPTY_HEADERS = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders());
    private static final MultiValueMap<String, HttpCookie> EMPTY_COOKIES =
            CollectionUtils.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

    /** Refused clients come back after 2 to 6 s, spread so that they do not all return at once. */
    static final int RETRY_AFTER_MIN_SECONDS = 2;

    static final int RETRY_AFTER_JITTER_SECONDS = 4;

    private final ConnectionLimit limit;

    SocketHandshake(RequestUpgradeStrategy upgradeStrategy, ConnectionLimit limit) {
        super(upgradeStrategy);
        this.limit = limit;
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        if ("websocket".equalsIgnoreCase(headers.getUpgrade()) && !VERSION.equals(headers.getFirst(VERSION_HEADER))) {
            exchange.getResponse().getHeaders().set(VERSION_HEADER, VERSION);
            return Mono.error(new ProblemException(Problem.of(
                    HttpStatus.UPGRADE_REQUIRED, "upgrade-required", "only WebSocket version 13 is supported")));
        }
        if (!"websocket".equalsIgnoreCase(headers.getUpgrade())
                || !HttpMethod.GET.equals(exchange.getRequest().getMethod())) {
            // not an upgrade: refused as such, without a slot
            return super.handleRequest(exchange, handler);
        }
        ConnectionLimit.Slot slot = limit.tryReserve();
        if (slot == null) {
            return connectionsExhausted(exchange);
        }
        WebSocketHandler held = slot.heldBy(withoutRequestHeaders(exchange, handler));
        Mono<Void> upgrade =
                isWellFormedUpgrade(headers) && handler.getSubProtocols().isEmpty()
                        ? Mono.defer(() ->
                                getUpgradeStrategy().upgrade(exchange, held, null, () -> leanHandshakeInfo(exchange)))
                        // refused by Spring's checks, with their 400s
                        : Mono.defer(() -> super.handleRequest(exchange, held));
        return upgrade.doFinally(signal -> slot.releaseUnlessHandedOver());
    }

    /** What Spring's handshake checks before it upgrades: the Connection header says upgrade, a key is there. */
    private static boolean isWellFormedUpgrade(HttpHeaders headers) {
        return headers.getConnection().stream().anyMatch("upgrade"::equalsIgnoreCase)
                && headers.getFirst(KEY_HEADER) != null;
    }

    /**
     * The handler, run once the upgrade request's headers are emptied. Reactor Netty keeps an upgraded connection's
     * request, and with it every header and its strings, for the socket's whole life: about 0.8 KiB of heap per idle
     * socket, the device's {@code Authorization} credential among them. Nothing reads them after the handshake, which
     * is over when the handler runs; the socket's path and remote address are in its {@link #leanHandshakeInfo}.
     */
    private static WebSocketHandler withoutRequestHeaders(ServerWebExchange exchange, WebSocketHandler handler) {
        return new WebSocketHandler() {
            @Override
            public Mono<Void> handle(WebSocketSession session) {
                if (ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest())
                        instanceof HttpServerRequest request) {
                    request.requestHeaders().clear();
                }
                return handler.handle(session);
            }

            @Override
            public List<String> getSubProtocols() {
                return handler.getSubProtocols();
            }
        };
    }

    /**
     * The socket's {@link HandshakeInfo}: its URI (the device's path), remote address and log prefix only. Spring's
     * own keeps a copy of every request header (the Authorization header among them), the cookies and the principal
     * for the socket's whole life, about 1.5 KiB per idle socket that the handler never reads: it takes the device
     * from the path, which security checked at the upgrade.
     */
    private static HandshakeInfo leanHandshakeInfo(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        return new HandshakeInfo(
                request.getURI(),
                EMPTY_HEADERS,
                EMPTY_COOKIES,
                Mono.empty(),
                null,
                request.getRemoteAddress(),
                Map.of(),
                exchange.getLogPrefix());
    }

    private static Mono<Void> connectionsExhausted(ServerWebExchange exchange) {
        // the client goes to another node: its idle connection would only hold a descriptor of this full one
        exchange.getResponse().getHeaders().setConnection("close");
        Duration retryAfter = Duration.ofSeconds(
                RETRY_AFTER_MIN_SECONDS + ThreadLocalRandom.current().nextInt(RETRY_AFTER_JITTER_SECONDS + 1));
        return Mono.error(new ProblemException(
                Problem.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "connections-exhausted",
                        "this node holds its most WebSockets; reconnect to another node"),
                retryAfter));
    }
}
