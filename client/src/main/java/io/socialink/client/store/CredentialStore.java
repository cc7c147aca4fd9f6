package io.socialink.client.store;

import io.socialink.client.auth.DeviceCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Device profiles as JSON files, {@code <dir>/<profile>.json}. The directory is created owner-only (700) and each
 * file is written owner-only (600) before it holds the secret, then moved into place atomically, so a reader
 * sees either the old or the new profile and nobody else can read the secret (on POSIX file systems).
 */
public final class CredentialStore {

    public static final String HOME_ENV = "SOCIALINK_CLIENT_HOME";
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");
    private static final String SUFFIX = ".json";

    private final Path directory;
    private final JsonMapper mapper = JsonMapper.builder().build();

    public CredentialStore(Path directory) {
        this.directory = directory;
    }

    /** {@code $SOCIALINK_CLIENT_HOME} when set, {@code ~/.socialink} otherwise. */
    public static Path defaultDirectory() {
        String home = System.getenv(HOME_ENV);
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        return Path.of(System.getProperty("user.home"), ".socialink");
    }

    public Path directory() {
        return directory;
    }

    /** Writes (or replaces) the profile. */
    public void save(StoredProfile profile) {
        Path target = file(profile.profile());
        ObjectNode json = mapper.createObjectNode()
                .put("profile", profile.profile())
                .put("userId", profile.credentials().userId())
                .put("deviceId", profile.credentials().deviceId())
                .put("deviceSecret", profile.credentials().deviceSecret())
                .put("registrationId", profile.credentials().registrationId())
                .put("identityKey", Base64.getEncoder().encodeToString(profile.identityKey()))
                .put("server", profile.server().toString());
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        try {
            OwnerOnlyFiles.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write profile " + target, e);
        }
    }

    public Optional<StoredProfile> find(String profile) {
        Path file = file(profile);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profile " + file, e);
        }
        try {
            JsonNode json = mapper.readTree(text);
            DeviceCredentials credentials = new DeviceCredentials(
                    json.path("userId").asString(),
                    json.path("deviceId").asInt(),
                    json.path("deviceSecret").asString(),
                    json.path("registrationId").asInt());
            return Optional.of(new StoredProfile(
                    profile,
                    credentials,
                    Base64.getDecoder().decode(json.path("identityKey").asString()),
                    URI.create(json.path("server").asString())));
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalStateException("profile file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** The profile, or an {@link IllegalArgumentException} naming the store when it does not exist. */
    public StoredProfile load(String profile) {
        return find(profile)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no profile '" + profile + "' in " + directory + " (register it first)"));
    }

    /** Where the profile's libsignal state lives ({@link SignalFileStore}): {@code <dir>/<profile>.signal}. */
    public Path signalDirectory(String profile) {
        Path file = file(profile);
        return file.resolveSibling(profile + ".signal");
    }

    /** Profile names, sorted. */
    public List<String> profiles() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = new ArrayList<>();
            files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX) && !name.startsWith("."))
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .sorted()
                    .forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private Path file(String profile) {
        if (profile == null || !PROFILE.matcher(profile).matches() || profile.contains("..")) {
            throw new IllegalArgumentException("profile name must match [A-Za-z0-9_.-]{1,64}: " + profile);
        }
        return directory.resolve(profile + SUFFIX);
    }
}
