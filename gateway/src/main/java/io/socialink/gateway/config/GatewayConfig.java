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
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/** Application-wide beans: configuration properties, metrics, and strict JSON reading. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    GatewayProperties.class,
    KafkaProperties.class,
    TopicsProperties.class,
    PlatformProperties.class,
    InternalProperties.class,
    RateLimitProperties.class,
    PreKeyProperties.class
})
public class GatewayConfig {

    @Bean
    public GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    /**
     * Request bodies and WebSocket frames (the one {@code JsonMapper} of the application, which the WebFlux codecs
     * use too) are read strictly, so a client mistake is a 400 instead of a silently different request: unknown
     * fields, trailing content, and every scalar of another JSON type than declared are rejected. Jackson would
     * otherwise read a blank or NUL-only string as null (a disappearing-message timer of {@code " "} would mean
     * no timer), a number or boolean as a string, and a string as a number or boolean.
     */
    @Bean
    public JsonMapperBuilderCustomizer strictJsonReading() {
        return builder -> builder.enable(
                        DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(
                        DeserializationFeature.ACCEPT_FLOAT_AS_INT,
                        DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                        DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfigDefaults(coercion -> coercion.setAcceptBlankAsEmpty(false)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                // JSON has one number type: an integer literal is a valid fractional number
                .withCoercionConfig(
                        LogicalType.Float,
                        coercion -> coercion.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert));
    }
}
