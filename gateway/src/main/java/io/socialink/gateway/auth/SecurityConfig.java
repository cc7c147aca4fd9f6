package io.socialink.gateway.auth;

import io.socialink.gateway.config.InternalProperties;
import io.socialink.gateway.config.PlatformProperties;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemWriter;
import java.time.Clock;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

/**
 * Stateless filter chains. Registration ({@code /api/v1/keys/register/**}) is an OAuth2 resource server for the
 * platform's JWT, whose {@code sub} must be the path's user. Everything else takes device Basic credentials, except
 * the OpenAPI document and the actuator paths; the send route and the socket upgrade must name the authenticated
 * user (and device), key rotation and prekey uploads the authenticated device, deactivation and key stats a device of
 * the authenticated user, the group commands their acting user (creator, adder, remover, committer, sender), the
 * presence changes, typing and the call commands (initiate, answer, decline, end, ICE) the acting user. Failures
 * are problem+json: 401 {@code unauthorized}, 403 {@code forbidden}.
 *
 * <p>A platform token must carry a bounded {@code exp} and is accepted once per {@code jti}
 * ({@link PlatformTokenRules}, {@link SingleUseJwtDecoder}). A third chain guards the actuator, served on the
 * internal (management) port: liveness and readiness ({@code /livez}, {@code /readyz} on the public port too, and
 * {@code /actuator/health}) answer anyone without details; details, metrics and every other actuator endpoint need
 * the internal credential ({@link InternalAuthenticationManager}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    public static final String REGISTER_PATTERN = "/api/v1/keys/register/{userId}";

    @Bean
    public ReactiveJwtDecoder platformJwtDecoder(PlatformProperties platform, SingleUseTokens singleUseTokens) {
        NimbusReactiveJwtDecoder decoder;
        if (platform.usesJwks()) {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(platform.jwksUri())
                    .jwsAlgorithms(algorithms -> {
                        algorithms.add(SignatureAlgorithm.RS256);
                        algorithms.add(SignatureAlgorithm.ES256);
                    })
                    .build();
        } else {
            SecretKeySpec key = new SecretKeySpec(platform.jwtSecret().utf8(), "HmacSHA256");
            decoder = NimbusReactiveJwtDecoder.withSecretKey(key)
                    .macAlgorithm(MacAlgorithm.HS256)
                    .build();
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefault(), new PlatformTokenRules(platform, Clock.systemUTC())));
        return new SingleUseJwtDecoder(decoder, singleUseTokens);
    }

    /** The actuator (internal port) and the public liveness/readiness paths. */
    @Bean
    @Order(0)
    public SecurityWebFilterChain managementChain(
            ServerHttpSecurity http, InternalProperties internal, ProblemWriter problems) {
        ServerAuthenticationEntryPoint entryPoint = entryPoint(problems, "Basic realm=\"socialink-internal\"");
        return stateless(http)
                .securityMatcher(
                        ServerWebExchangeMatchers.pathMatchers("/actuator", "/actuator/**", "/livez", "/readyz"))
                .httpBasic(basic -> basic.authenticationManager(new InternalAuthenticationManager(internal.secret()))
                        .authenticationEntryPoint(entryPoint)
                        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.GET, "/livez", "/readyz", "/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .anyExchange()
                        .hasAuthority(InternalAuthenticationManager.ROLE))
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(deniedHandler(problems)))
                .build();
    }

    @Bean
    @Order(1)
    public SecurityWebFilterChain registrationChain(
            ServerHttpSecurity http, ReactiveJwtDecoder platformJwtDecoder, ProblemWriter problems) {
        ServerAuthenticationEntryPoint entryPoint = entryPoint(problems, "Bearer");
        ServerAccessDeniedHandler denied = deniedHandler(problems);
        return stateless(http)
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/v1/keys/register/**"))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.POST, REGISTER_PATTERN)
                        .access(SecurityConfig::subjectIsPathUser)
                        .anyExchange()
                        .authenticated())
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.jwtDecoder(platformJwtDecoder))
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(denied))
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
                .build();
    }

    @Bean
    @Order(2)
    public SecurityWebFilterChain deviceChain(
            ServerHttpSecurity http, DeviceAuthenticationManager devices, ProblemWriter problems) {
        ServerAuthenticationEntryPoint entryPoint = entryPoint(problems, "Basic realm=\"socialink\"");
        ServerAccessDeniedHandler denied = deniedHandler(problems);
        return stateless(http)
                .httpBasic(basic -> basic.authenticationManager(devices)
                        .authenticationEntryPoint(entryPoint)
                        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.GET, "/api/v1/openapi.yaml")
                        .permitAll()
                        .pathMatchers("/api/v1/messages/send/{senderId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "senderId", null))
                        .pathMatchers(
                                "/api/v1/keys/rotate/{userId}/{deviceId}", "/api/v1/keys/prekeys/{userId}/{deviceId}")
                        .access((authentication, context) ->
                                deviceIsPath(authentication, context, "userId", "deviceId"))
                        .pathMatchers(
                                "/api/v1/keys/deactivate/{userId}/{deviceId}", "/api/v1/keys/stats/{userId}/{deviceId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "userId", null))
                        .pathMatchers(
                                HttpMethod.POST,
                                "/api/v1/groups/create/{actorId}",
                                "/api/v1/groups/{groupId}/members/{actorId}",
                                "/api/v1/groups/{groupId}/commit/{actorId}",
                                "/api/v1/groups/{groupId}/send/{actorId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "actorId", null))
                        .pathMatchers(HttpMethod.DELETE, "/api/v1/groups/{groupId}/members/{userId}/{actorId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "actorId", null))
                        .pathMatchers(
                                HttpMethod.PUT,
                                "/api/v1/presence/online/{actorId}",
                                "/api/v1/presence/offline/{actorId}",
                                "/api/v1/presence/status/{actorId}",
                                "/api/v1/typing/{conversationId}/{actorId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "actorId", null))
                        .pathMatchers(HttpMethod.DELETE, "/api/v1/typing/{conversationId}/{actorId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "actorId", null))
                        .pathMatchers(
                                HttpMethod.POST,
                                "/api/v1/calls/initiate/{actorId}",
                                "/api/v1/calls/{callId}/ice/{actorId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "actorId", null))
                        .pathMatchers(
                                HttpMethod.PUT,
                                "/api/v1/calls/{callId}/answer/{actorId}",
                                "/api/v1/calls/{callId}/decline/{actorId}",
                                "/api/v1/calls/{callId}/end/{actorId}")
                        .access((authentication, context) -> deviceIsPath(authentication, context, "actorId", null))
                        .pathMatchers("/ws/{userId}/{deviceId}")
                        .access((authentication, context) ->
                                deviceIsPath(authentication, context, "userId", "deviceId"))
                        .anyExchange()
                        .authenticated())
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
                .build();
    }

    private static ServerHttpSecurity stateless(ServerHttpSecurity http) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
    }

    private static Mono<AuthorizationResult> subjectIsPathUser(
            Mono<Authentication> authentication, AuthorizationContext context) {
        Object pathUser = context.getVariables().get("userId");
        return authentication
                .map(auth -> auth instanceof JwtAuthenticationToken jwt
                        && auth.isAuthenticated()
                        && jwt.getToken().getSubject() != null
                        && jwt.getToken().getSubject().equals(pathUser))
                .<AuthorizationResult>map(AuthorizationDecision::new)
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /** Grants when the authenticated device's user (and device, when {@code deviceVariable} is set) is the path's. */
    static Mono<AuthorizationResult> deviceIsPath(
            Mono<Authentication> authentication,
            AuthorizationContext context,
            String userVariable,
            @Nullable String deviceVariable) {
        Map<String, Object> variables = context.getVariables();
        return authentication
                .map(auth -> auth instanceof DeviceAuthentication device
                        && auth.isAuthenticated()
                        && device.getPrincipal().userId().equals(variables.get(userVariable))
                        && (deviceVariable == null
                                || Integer.toString(device.getPrincipal().deviceId())
                                        .equals(variables.get(deviceVariable))))
                .<AuthorizationResult>map(AuthorizationDecision::new)
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    private static ServerAuthenticationEntryPoint entryPoint(ProblemWriter problems, String challenge) {
        return (exchange, error) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
            return problems.write(exchange.getResponse(), Problem.unauthorized("missing or bad credentials"));
        };
    }

    private static ServerAccessDeniedHandler deniedHandler(ProblemWriter problems) {
        return (exchange, denied) ->
                problems.write(exchange.getResponse(), Problem.forbidden("the path must name the authenticated user"));
    }
}
