package io.socialink.bench.licenses;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The repository's THIRD-PARTY.txt is the union of what the shipped jars carry: every module that ships a jar
 * generates its own notice in this build (license-maven-plugin's add-third-party, which fails on a dependency without
 * an accepted license), and this test, in the last module of the build, fails when the checked-in notice misses a
 * dependency one of them ships or lists one that none ships any more. Regenerate it with
 * {@code mvn license:aggregate-add-third-party}.
 */
class ThirdPartyNoticeTest {

    /** The modules whose jars are shipped: the apps, the CLI, the bench CLI and the topic tool. */
    private static final List<String> SHIPPED = List.of(
            "gateway",
            "delivery-worker",
            "group-fanout",
            "presence-service",
            "analytics",
            "client",
            "bench",
            "schemas");

    @Test
    void theRepositoryNoticeListsExactlyWhatTheShippedJarsCarry() throws IOException {
        Set<String> shipped = new TreeSet<>();
        for (String module : SHIPPED) {
            Path notice = Path.of("..", module, "target", "generated-sources", "license", "THIRD-PARTY.txt");
            assertThat(notice).as("the notice %s's build generates", module).exists();
            Set<String> entries = entries(notice);
            assertThat(entries).as("%s's dependencies", module).isNotEmpty();
            shipped.addAll(entries);
        }

        Set<String> checkedIn = entries(Path.of("..", "THIRD-PARTY.txt"));

        assertThat(checkedIn)
                .as("THIRD-PARTY.txt against the shipped jars' notices; regenerate it with"
                        + " `mvn license:aggregate-add-third-party`")
                .containsExactlyInAnyOrderElementsOf(shipped);
        assertThat(checkedIn).anyMatch(entry -> entry.contains("(AGPL-3.0-only) libsignal-client"));
    }

    /** A notice's dependency lines: "(license) ... name (group:artifact:version - url)". */
    private static Set<String> entries(Path notice) throws IOException {
        Set<String> entries = new TreeSet<>();
        for (String line : Files.readAllLines(notice, StandardCharsets.UTF_8)) {
            String entry = line.strip();
            if (entry.startsWith("(")) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
