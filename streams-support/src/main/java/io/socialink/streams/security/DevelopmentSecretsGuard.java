package io.socialink.streams.security;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Refuses to start a Streams app with the development internal credential (published in the apps' environment
 * files) unless the {@value #LOCAL_PROFILE} profile is active ({@code SPRING_PROFILES_ACTIVE=local}). Runs before
 * any bean exists, so nothing connects first; an unset secret counts as its development default. Registered for
 * every app that has streams-support on its classpath ({@code META-INF/spring.factories}).
 */
public class DevelopmentSecretsGuard implements EnvironmentPostProcessor {

    /** The one profile that allows the development secrets. */
    public static final String LOCAL_PROFILE = "local";

    static final String PROPERTY = "socialink.internal.secret";
    static final String VARIABLE = "SOCIALINK_INTERNAL_SECRET";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
            return;
        }
        String value = environment.getProperty(PROPERTY, InternalProperties.DEVELOPMENT_SECRET);
        if (value.equals(InternalProperties.DEVELOPMENT_SECRET)) {
            throw new InsecureConfigurationException(
                    VARIABLE + " (" + PROPERTY + ") is the development secret"
                            + " published in the repository; the app refuses it outside the '" + LOCAL_PROFILE
                            + "' profile.",
                    "Set " + VARIABLE + " to a secret of your own (at least 32 bytes, the same for every app), or"
                            + " activate the local profile (SPRING_PROFILES_ACTIVE=" + LOCAL_PROFILE
                            + ") on a development"
                            + " machine.");
        }
    }
}
