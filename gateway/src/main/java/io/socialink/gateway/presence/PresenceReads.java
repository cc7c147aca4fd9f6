package io.socialink.gateway.presence;

import io.socialink.gateway.keys.Device;
import io.socialink.gateway.keys.DeviceRepository;
import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.presence.PresenceKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Presence as a user sees it: the online set and last seen from Redis (written by presence-service, see
 * {@link PresenceKeys}), the users' presence settings from Postgres, and {@link PresenceView#of}'s rules. A user
 * is known while it has an active device; anyone else is {@code unknown-user}.
 */
@Component
public class PresenceReads {

    private final ReactiveStringRedisTemplate redis;
    private final PresenceRepository settings;
    private final PresenceSettingsCache cachedSettings;
    private final DeviceRepository devices;
    private final Clock clock = Clock.systemUTC();

    public PresenceReads(
            ReactiveStringRedisTemplate redis,
            PresenceRepository settings,
            PresenceSettingsCache cachedSettings,
            DeviceRepository devices) {
        this.redis = redis;
        this.settings = settings;
        this.cachedSettings = cachedSettings;
        this.devices = devices;
    }

    /** The views of {@code users} (distinct, in order) for {@code viewer}; 404 listing those without a device. */
    public Mono<List<PresenceView>> views(String viewer, List<String> users) {
        Set<String> wanted = new LinkedHashSet<>(users);
        Set<String> all = new LinkedHashSet<>(wanted);
        all.add(viewer);
        return devices.activeDevices(wanted)
                .map(Device::userId)
                .collect(TreeSet<String>::new, Set::add)
                .flatMap(known -> {
                    List<String> unknown = wanted.stream()
                            .filter(user -> !known.contains(user))
                            .toList();
                    if (!unknown.isEmpty()) {
                        return Mono.error(unknownUsers(unknown).toException());
                    }
                    List<String> ordered = new ArrayList<>(wanted);
                    Mono<List<Double>> scores = redis.opsForZSet().score(PresenceKeys.ONLINE, ordered.toArray());
                    Mono<List<String>> seen =
                            redis.<String, String>opsForHash().multiGet(PresenceKeys.LAST_SEEN, ordered);
                    return Mono.zip(settings.settings(all), scores, seen)
                            .map(found -> render(viewer, ordered, found.getT1(), found.getT2(), found.getT3()));
                });
    }

    /**
     * What each of {@code viewers} sees of {@code target} now, for a live change: Redis reads of the target's state
     * and the settings from {@link PresenceSettingsCache}.
     */
    public Mono<Map<String, PresenceView>> viewsOf(String target, Set<String> viewers) {
        Set<String> all = new LinkedHashSet<>(viewers);
        all.add(target);
        return Mono.zip(
                        cachedSettings.settings(all),
                        redis.opsForZSet()
                                .score(PresenceKeys.ONLINE, target)
                                .map(Optional::of)
                                .defaultIfEmpty(Optional.empty()),
                        redis.<String, String>opsForHash()
                                .get(PresenceKeys.LAST_SEEN, target)
                                .map(Optional::of)
                                .defaultIfEmpty(Optional.empty()))
                .map(found -> {
                    long now = clock.millis();
                    Map<String, PresenceView> views = new HashMap<>();
                    PresenceSettings targetSettings = found.getT1().getOrDefault(target, PresenceSettings.DEFAULTS);
                    Long lastSeen = found.getT3().map(Long::valueOf).orElse(null);
                    for (String viewer : viewers) {
                        views.put(
                                viewer,
                                PresenceView.of(
                                        viewer,
                                        found.getT1().getOrDefault(viewer, PresenceSettings.DEFAULTS),
                                        target,
                                        targetSettings,
                                        found.getT2().orElse(null),
                                        lastSeen,
                                        now));
                    }
                    return views;
                });
    }

    /**
     * Tells the gateways that {@code userId} changed its status or visibility: they drop its cached settings and
     * push its presence to the sockets that follow it (this node's cache drops them at once).
     */
    public Mono<Void> publishSettingsChange(String userId) {
        cachedSettings.forget(userId);
        return redis.convertAndSend(PresenceKeys.CHANGES, userId + PresenceKeys.SETTINGS_CHANGED)
                .then();
    }

    /** Users with at least one online device now, exactly (invisible users and hidden ones included). */
    public Mono<Long> onlineCount() {
        Range<Double> future = Range.rightUnbounded(Range.Bound.exclusive((double) clock.millis()));
        return redis.opsForZSet().count(PresenceKeys.ONLINE, future);
    }

    private List<PresenceView> render(
            String viewer,
            List<String> users,
            Map<String, PresenceSettings> found,
            List<Double> scores,
            List<String> seen) {
        long now = clock.millis();
        PresenceSettings own = found.getOrDefault(viewer, PresenceSettings.DEFAULTS);
        List<PresenceView> views = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            String lastSeen = seen.get(i);
            views.add(PresenceView.of(
                    viewer,
                    own,
                    user,
                    found.getOrDefault(user, PresenceSettings.DEFAULTS),
                    scores.get(i),
                    lastSeen == null ? null : Long.valueOf(lastSeen),
                    now));
        }
        return views;
    }

    static Problem unknownUsers(List<String> unknown) {
        return Problem.of(
                        HttpStatus.NOT_FOUND,
                        "unknown-user",
                        unknown.size() == 1
                                ? "user " + unknown.get(0) + " has no active device"
                                : unknown.size() + " users have no active device")
                .with("unknownUsers", unknown);
    }
}
