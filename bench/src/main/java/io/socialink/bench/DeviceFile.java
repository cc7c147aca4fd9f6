package io.socialink.bench;

import io.socialink.client.auth.DeviceCredentials;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registered bench devices saved as JSON lines ({@code userId}, {@code deviceId}, {@code deviceSecret},
 * {@code registrationId}), so that a later connections run can skip registering 100,000 devices. The file holds
 * device secrets: it belongs under .run/, not in the repository.
 */
final class DeviceFile {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DeviceFile() {}

    static List<DeviceCredentials> load(Path file) {
        List<DeviceCredentials> devices = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                devices.add(new DeviceCredentials(
                        node.path("userId").asString(),
                        node.path("deviceId").asInt(),
                        node.path("deviceSecret").asString(),
                        node.path("registrationId").asInt()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return devices;
    }

    static void save(Path file, List<DeviceCredentials> devices) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (DeviceCredentials device : devices) {
                    writer.write(JSON.writeValueAsString(new Line(
                            device.userId(), device.deviceId(), device.deviceSecret(), device.registrationId())));
                    writer.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    record Line(String userId, int deviceId, String deviceSecret, int registrationId) {}
}
