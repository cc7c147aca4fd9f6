package io.socialink.testing;

import java.util.Map;

/** The local Redis server. Tests keep apart by using unique user ids, not by flushing. */
public record RedisTestEnv(String url) {

    public Map<String, Object> springProperties() {
        return Map.of("spring.data.redis.url", url);
    }
}
