package io.socialink.gateway.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Refuses to start the gateway with a development secret (the platform JWT secret or the internal credential
 * published in {@code gateway-environment.yml}, the TURN secret of {@code application-local.yml}) unless the
 * {@value #LOCAL_PROFILE} profile is active, so a deployment that forgot {@code PLATFORM_JWT_SECRET} or
 * {@code SOCIALINK_INTERNAL_SECRET} does not run with keys anyone can read. Runs before any bean exists, so nothing
 * connects or migrates first. An unset secret counts as its development default (an unset TURN secret means no
 * TURN).
 */
public class DevelopmentSecretsGuard implements EnvironmentPostProcessor {

    /** The one profile that allows the development secrets ({@code SPRING_PROFILES_ACTIVE=local}). */
    public static final String LOCAL_PROFILE = "local";

    /** The TURN secret of {@code application-local.yml}: public, so only accepted under the local profile. */
    public static final String DEVELOPMENT_TURN_SECRET = "socialink-local-turn-secret-0123456789abcdef";

    static final String TURN_SECRET_PROPERTY = "socialink.gateway.calls.turn.secret";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
            return;
        }
        String jwksUri = environment.getProperty("socialink.platform.jwks-uri", "");
        if (jwksUri.isBlank()) {
            refuseDevelopmentSecret(
                    environment,
                    "socialink.platform.jwt-secret",
                    "PLATFORM_JWT_SECRET",
                    PlatformProperties.DEVELOPMENT_SECRET);
        }
        refuseDevelopmentSecret(
                environment,
                "socialink.internal.secret",
                "SOCIALINK_INTERNAL_SECRET",
                InternalProperties.DEVELOPMENT_SECRET);
        // unset is fine here: no TURN secret means no TURN (503 turn-unavailable), not a development default
        if (DEVELOPMENT_TURN_SECRET.equals(environment.getProperty(TURN_SECRET_PROPERTY, ""))) {
            refuseDevelopmentSecret(
                    environment, TURN_SECRET_PROPERTY, "SOCIALINK_CALLS_TURN_SECRET", DEVELOPMENT_TURN_SECRET);
        }
    }

    private static void refuseDevelopmentSecret(
            ConfigurableEnvironment environment, String property, String variable, String developmentValue) {
        String value = environment.getProperty(property, developmentValue);
        if (value.equals(developmentValue)) {
            throw new InsecureConfigurationException(
                    variable + " (" + property + ") is the development secret"
                            + " published in the repository; the gateway refuses it outside the '" + LOCAL_PROFILE
                            + "' profile.",
                    "Set " + variable + " to a secret of your own (at least 32 bytes), or activate"
                            + " the local profile (SPRING_PROFILES_ACTIVE=" + LOCAL_PROFILE
                            + ") on a development machine.");
        }
    }
}
