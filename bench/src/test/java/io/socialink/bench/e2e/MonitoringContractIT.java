package io.socialink.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.bench.cli.BenchCli;
import io.socialink.client.e2e.AppProcess;
import io.socialink.client.e2e.LocalSystem;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The checked-in Grafana dashboard and Prometheus alerting rules ({@code infra/deploy/grafana},
 * {@code infra/deploy/prometheus}) only name metrics that the apps really publish: the four apps run as processes,
 * carry 1:1 messages, a group and typing (this module's load generators, briefly), and every metric name in every panel
 * query and rule expression must appear in one of their {@code /actuator/prometheus} outputs. A renamed meter or a
 * typo in a query fails here instead of showing an empty panel or an alert that can never fire.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class MonitoringContractIT {

    private static final Path DASHBOARD = Path.of("..", "infra", "deploy", "grafana", "socialink-dashboard.json");
    private static final Path RULES = Path.of("..", "infra", "deploy", "prometheus", "socialink-alerts.yml");
    private static final String DEVELOPMENT_INTERNAL_SECRET = "socialink-local-internal-secret-0123456789abcdef";
    /** Series that Prometheus itself makes for every target. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalSystem system;
    private static AppProcess presence;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = LocalSystem.withGroups(kafka, postgres, redis, Map.of()).start();
        presence = LocalSystem.presenceService(kafka, redis).start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (presence != null) {
            presence.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsNameIsPublishedByAnApp() throws Exception {
        // given traffic of every kind the dashboard shows
        String server = system.gateway.baseUri().toString();
        cli(
                "bench",
                "--server",
                server,
                "--rate",
                "20",
                "--duration",
                "2",
                "--warmup",
                "1",
                "--senders",
                "2",
                "--recipients",
                "2",
                "--transport",
                "ws");
        cli(
                "bench-group",
                "--server",
                server,
                "--members",
                "3",
                "--messages-runs",
                "1",
                "--burst",
                "2",
                "--burst-parallel",
                "0",
                "--sample-decrypt",
                "1",
                "--typing",
                "1",
                "--timeout",
                "60");

        // when the apps are scraped
        Map<String, Set<String>> published = new LinkedHashMap<>();
        published.put("gateway", scrape(system.gateway.internalUri()));
        published.put("delivery-worker", scrape(system.worker.internalUri()));
        published.put("group-fanout", scrape(system.groupFanout().internalUri()));
        published.put("presence-service", scrape(presence.internalUri()));
        Set<String> all = new TreeSet<>(SCRAPE_SERIES);
        published.values().forEach(all::addAll);

        // then
        Map<String, Set<String>> named = new TreeMap<>();
        dashboardQueries().forEach((where, expression) -> named.put(where, PromQl.metricNames(expression)));
        ruleExpressions().forEach((where, expression) -> named.put(where, PromQl.metricNames(expression)));
        assertThat(named).as("queries found").hasSizeGreaterThan(20);
        Map<String, Set<String>> unknown = new TreeMap<>();
        named.forEach((where, names) -> {
            assertThat(names).as("metrics named by %s", where).isNotEmpty();
            Set<String> missing = new TreeSet<>(names);
            missing.removeAll(all);
            if (!missing.isEmpty()) {
                unknown.put(where, missing);
            }
        });
        assertThat(unknown).as("metrics named but published by no app").isEmpty();
    }

    private static void cli(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = BenchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute(arguments))
                .as("%s\n%s\n%s", arguments[0], out, err)
                .isZero();
    }

    /** The sample names of an app's Prometheus exposition. */
    private static Set<String> scrape(URI internal) throws Exception {
        String credential = Base64.getEncoder()
                .encodeToString(("internal:" + DEVELOPMENT_INTERNAL_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(internal.resolve("/actuator/prometheus"))
                        .header("Authorization", "Basic " + credential)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("scrape of %s", internal).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** Every panel's queries, by "dashboard: panel title #refId"; every non-row panel must have one. */
    private static Map<String, String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if ("row".equals(panel.get("type").asString())) {
                continue;
            }
            String title = panel.get("title").asString();
            List<JsonNode> targets = new ArrayList<>();
            panel.get("targets").forEach(targets::add);
            assertThat(targets).as("queries of panel %s", title).isNotEmpty();
            for (JsonNode target : targets) {
                queries.put(
                        "dashboard: " + title + " #" + target.get("refId").asString(),
                        target.get("expr").asString());
            }
        }
        return queries;
    }

    /** Every alerting rule's expression, by "rule: name"; each must have a severity and a summary. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> ruleExpressions() throws Exception {
        Map<String, Object> file = new Yaml().load(Files.readString(RULES));
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String name = (String) rule.get("alert");
                assertThat(name).as("a rule's alert name").isNotBlank();
                assertThat((Map<String, Object>) rule.get("labels"))
                        .as("labels of %s", name)
                        .containsKey("severity");
                assertThat((Map<String, Object>) rule.get("annotations"))
                        .as("annotations of %s", name)
                        .containsKey("summary");
                expressions.put("rule: " + name, (String) rule.get("expr"));
            }
        }
        return expressions;
    }
}
