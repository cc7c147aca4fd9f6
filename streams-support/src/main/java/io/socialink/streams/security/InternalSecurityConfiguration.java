package io.socialink.streams.security;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * The security of a Streams app's HTTP ports, one stateless chain for both: liveness and readiness ({@code /livez},
 * {@code /readyz} on the public port, {@code /actuator/health} on the internal one) answer anyone, with a status
 * only; everything else (health details, metrics, the apps' internal queries) needs the internal credential. The
 * actuator itself is served on the internal (management) port, bound to loopback unless configured otherwise.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InternalProperties.class)
public class InternalSecurityConfiguration {

    @Bean
    InternalAuthenticationManager internalAuthenticationManager(InternalProperties internal) {
        return new InternalAuthenticationManager(internal.secret());
    }

    @Bean
    SecurityWebFilterChain internalChain(ServerHttpSecurity http, InternalAuthenticationManager manager) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .httpBasic(basic -> basic.authenticationManager(manager)
                        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.GET, "/livez", "/readyz", "/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .anyExchange()
                        .hasAuthority(InternalAuthenticationManager.ROLE))
                .build();
    }
}
