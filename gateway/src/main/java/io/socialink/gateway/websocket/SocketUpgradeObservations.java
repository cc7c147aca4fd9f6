package io.socialink.gateway.websocket;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Leaves the WebSocket upgrades on {@code /ws/} out of the HTTP server observations ({@code http.server.requests}):
 * an upgraded request only ends with its socket, so its observation (context, key values, an active-request sample)
 * would stay in memory for the socket's whole life, about 1 KiB per idle socket, to time socket lifetimes, which is
 * not a request latency. Sockets have their own meters ({@code socialink_gateway_sockets},
 * {@code socialink_gateway_sockets_refused_total}).
 */
@Component
public class SocketUpgradeObservations implements ObservationPredicate {

    private static final String SOCKET_PREFIX = "/ws/";

    @Override
    public boolean test(String name, Observation.Context context) {
        if (!(context instanceof ServerRequestObservationContext request)) {
            return true;
        }
        ServerHttpRequest carrier = request.getCarrier();
        return carrier == null || !carrier.getPath().value().startsWith(SOCKET_PREFIX);
    }
}
