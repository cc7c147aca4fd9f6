package io.socialink.gateway.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.keys.PreKeyProperties;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;

/** Application-wide beans: configuration properties, metrics, and strict JSON reading. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GatewayProperties.class, KafkaProperties.class, TopicsProperties.class,
        PlatformProperties.class, InternalProperties.class, RateLimitProperties.class, PreKeyProperties.class})
public class GatewayConfig {

    @Bean
    public GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    /**
     * Request bodies are read strictly, so a client mistake is a 400 instead of a silently different request:
     * unknown fields, trailing content, fractions or strings where integers belong are rejected.
     */
    @Bean
    public JsonMapperBuilderCustomizer strictJsonReading() {
        return builder -> builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }
}
