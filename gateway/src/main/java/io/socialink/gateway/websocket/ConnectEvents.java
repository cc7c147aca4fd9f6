package io.socialink.gateway.websocket;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.schemas.avro.Delivery;
import reactor.core.publisher.Flux;

/**
 * Device events a device gets on its socket right after it connected, written directly by this node (not through
 * the device's queue), e.g. {@code low-prekeys}. Best effort: a failing source writes nothing.
 */
public interface ConnectEvents {

    Flux<Delivery> onConnect(DeviceAddress device);
}
