package io.socialink.gateway.websocket;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.messages.SendService;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.node.NodeHeartbeats;
import io.socialink.gateway.presence.PresenceSubscriptions;
import io.socialink.gateway.problem.ClientErrors;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.typing.TypingService;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A device's live socket on {@code /ws/{userId}/{deviceId}}; security has already checked at the upgrade that the
 * path is the authenticated device. On connect it registers the socket (closing an older one of the same device on
 * this node with 4409) and produces CONNECTED with a fresh connectionId and this node's incarnation, and
 * DISCONNECTED when the socket ends (the socket's liveness in between is its node's, {@link NodeHeartbeats}: no
 * record per socket while it is idle); right after CONNECTED it writes the {@link ConnectEvents} of the device (e.g.
 * low-prekeys). Acks from the client go to {@code device.acks}; pings are answered with pongs; sends go to the
 * {@link SendService} as REST sends do, one after another per socket ({@link SocketSends}).
 */
@Component
public class DeviceSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(DeviceSocketHandler.class);

    private final SocketRegistry registry;
    private final EventPublisher publisher;
    private final Frames frames;
    private final int nodeId;
    private final String incarnation;
    private final int bufferFrames;
    private final List<ConnectEvents> connectEvents;
    private final ClientErrors clientErrors;
    private final SendService sends;
    private final TypingService typing;
    private final PresenceSubscriptions presence;
    private final SocketDrain drain;

    public DeviceSocketHandler(
            SocketRegistry registry,
            SocketDrain drain,
            EventPublisher publisher,
            Frames frames,
            GatewayProperties properties,
            NodeHeartbeats node,
            GatewayMetrics metrics,
            List<ConnectEvents> connectEvents,
            ClientErrors clientErrors,
            SendService sends,
            TypingService typing,
            PresenceSubscriptions presence) {
        this.registry = registry;
        this.drain = drain;
        this.typing = typing;
        this.presence = presence;
        this.sends = sends;
        this.clientErrors = clientErrors;
        this.connectEvents = List.copyOf(connectEvents);
        this.publisher = publisher;
        this.frames = frames;
        this.nodeId = properties.nodeId();
        this.incarnation = node.incarnation();
        this.bufferFrames = properties.socketBuffer();
        metrics.socketsGauge(registry::size);
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        if (drain.isDraining()) {
            return session.close(LiveSocket.GOING_AWAY);
        }
        DeviceAddress address =
                SocketPaths.address(session.getHandshakeInfo().getUri().getPath());
        LiveSocket socket = new LiveSocket(address, UUID.randomUUID().toString(), session, bufferFrames);
        LiveSocket replaced = registry.register(socket);
        if (replaced != null) {
            replaced.close(LiveSocket.SUPERSEDED);
        }
        SocketSends socketSends = new SocketSends(socket, sends, frames);
        socket.whenDraining(socketSends::finish);
        if (drain.isDraining()) {
            // registered after the drain went over this node's sockets
            socket.drain(LiveSocket.GOING_AWAY).subscribe();
        }
        PresenceSubscriptions.Subscriber follower = new PresenceSubscriptions.Subscriber(
                address, view -> socket.offer(frames.presence(view)), socket::backlog, bufferFrames);
        Mono<Void> inbound = session.receive()
                .doOnNext(message -> onFrame(socket, socketSends, follower, message))
                .then()
                .doFinally(signal -> socket.complete());
        Mono<Void> outbound =
                session.send(socket.frames().map(session::textMessage)).then(Mono.defer(socket::afterLastFrame));
        return connectionEvent(socket, ConnectionEventType.CONNECTED)
                .doOnSuccess(done -> writeConnectEvents(socket))
                .then(Mono.when(inbound, outbound))
                .onErrorResume(error -> {
                    log.debug("socket {} of {} ended with {}", socket.connectionId(), address, error.toString());
                    socket.close(CloseStatus.SERVER_ERROR);
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    socketSends.close();
                    presence.unsubscribe(follower);
                    registry.unregister(socket);
                    connectionEvent(socket, ConnectionEventType.DISCONNECTED).subscribe(null, error -> {});
                });
    }

    /** Not awaited: these events are best effort and must not hold up the socket. */
    private void writeConnectEvents(LiveSocket socket) {
        Flux.fromIterable(connectEvents)
                .concatMap(source -> source.onConnect(socket.address()))
                .subscribe(
                        event -> socket.offer(frames.delivery(event)),
                        error -> log.debug("connect events of {} not written: {}", socket.address(), error.toString()));
    }

    private void onFrame(
            LiveSocket socket,
            SocketSends socketSends,
            PresenceSubscriptions.Subscriber follower,
            WebSocketMessage message) {
        if (message.getType() != WebSocketMessage.Type.TEXT) {
            if (message.getType() == WebSocketMessage.Type.BINARY) {
                clientErrors.record(ClientErrors.WEBSOCKET_FRAME, "binary frame");
                socket.offer(frames.error("bad-frame", "only JSON text frames are accepted"));
            }
            return;
        }
        Frames.ClientFrame frame = frames.parse(message.getPayloadAsText());
        if (frame instanceof Frames.AckFrame ack) {
            publishAck(socket, ack);
        } else if (frame instanceof Frames.PingFrame ping) {
            socket.offer(frames.pong(ping.id()));
        } else if (frame instanceof Frames.PresenceSubscribeFrame subscribe) {
            presence.subscribe(follower, subscribe.userIds())
                    .subscribe(views -> socket.offer(frames.presenceSnapshot(views)), error -> refused(socket, error));
        } else if (frame instanceof Frames.TypingFrame change) {
            onTyping(socket, change);
        } else if (frame instanceof Frames.SendFrame || frame instanceof Frames.BadSendFrame) {
            socketSends.offer(frame);
        } else if (frame instanceof Frames.InvalidFrame invalid) {
            clientErrors.record(ClientErrors.WEBSOCKET_FRAME, invalid.reason());
            socket.offer(frames.error("bad-frame", invalid.reason()));
        }
    }

    /** As the typing endpoints; a refusal comes back as an error frame with the problem's name as its code. */
    private void onTyping(LiveSocket socket, Frames.TypingFrame change) {
        Mono<Void> done = change.typing()
                ? typing.start(socket.address(), change.conversationId())
                : typing.stop(socket.address(), change.conversationId());
        done.subscribe(null, error -> refused(socket, error));
    }

    /** A refused typing or presence frame: an error frame with the problem's name, {@code unavailable} otherwise. */
    private void refused(LiveSocket socket, Throwable error) {
        if (error instanceof ProblemException problem) {
            socket.offer(
                    frames.error(problem.problem().name(), problem.problem().detail()));
        } else {
            log.debug("frame of {} not handled: {}", socket.address(), error.toString());
            socket.offer(frames.error("unavailable", "not recorded, try again"));
        }
    }

    /** Not awaited: the producer keeps acks of one device in order, and a lost ack only means a re-push. */
    private void publishAck(LiveSocket socket, Frames.AckFrame ack) {
        Ack record = Ack.newBuilder()
                .setMessageIds(ack.messageIds())
                .setConnectionId(socket.connectionId())
                .setAt(Instant.now())
                .build();
        publisher.send(Topics.DEVICE_ACKS, socket.address().toString(), record).whenComplete((metadata, error) -> {
            if (error != null) {
                socket.offer(frames.error("unavailable", "ack not recorded, acknowledge again"));
            }
        });
    }

    private Mono<Void> connectionEvent(LiveSocket socket, ConnectionEventType type) {
        ConnectionEvent event = ConnectionEvent.newBuilder()
                .setType(type)
                .setGatewayNode(nodeId)
                .setConnectionId(socket.connectionId())
                .setIncarnation(incarnation)
                .setAt(Instant.now())
                .build();
        return publisher.publish(Topics.DEVICE_CONNECTIONS, socket.address().toString(), event);
    }
}
