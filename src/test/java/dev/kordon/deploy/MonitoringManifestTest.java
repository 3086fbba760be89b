package dev.kordon.deploy;

import static dev.kordon.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What prod tells Prometheus and Grafana: the scrape of the admin port, the alerts and their
 * runbooks, the dashboard; every metric they read is in a real Kordon's scrape.
 */
class MonitoringManifestTest {
    @BeforeAll
    static void kubectlIsThere() {
        Manifests.requireKubectl();
    }

    @Test
    void prodScrapesTheAdminPortAndEveryAlertIsDocumented() throws IOException {
        var objects = render("prod");
        var monitor = objects.stream()
                .filter(o -> "ServiceMonitor".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        var selector = map(monitor, "spec", "selector", "matchLabels");
        assertThat(selects(selector, map(one(objects, "Service", "kordon-admin"), "metadata", "labels")))
                .isTrue();
        assertThat(selects(selector, map(one(objects, "Service", "kordon"), "metadata", "labels")))
                .as("the public Service is not scraped")
                .isFalse();
        assertThat(maps(at(monitor, "spec", "endpoints")))
                .allMatch(e -> "admin".equals(e.get("port")) && "/metrics".equals(e.get("path")));

        String operations = Files.readString(Path.of("docs", "operations.md"));
        var alerts = alerts(objects);
        assertThat(alerts).isNotEmpty();
        for (var alert : alerts) {
            String name = (String) alert.get("alert");
            assertThat(at(alert, "labels", "severity")).as(name).isIn("critical", "warning", "info");
            assertThat(operations).as("docs/operations.md explains %s", name).contains("### " + name);
            assertThat(str(alert, "annotations", "runbook"))
                    .as(name)
                    .isEqualTo("docs/operations.md#" + name.toLowerCase(java.util.Locale.ROOT));
            assertThat((String) alert.get("expr")).as(name).contains("job=\"kordon-admin\"");
        }
    }

    /**
     * The alerts on the failure ratio, shedding, faults in Kordon, the outbox's lag, messages no
     * listed key opens and the SMS budget: sustained, each with its runbook.
     */
    @Test
    void prodAlertsOnTheFailureRatioSheddingFaultsOutboxLagAndTheSmsBudget() {
        Map<String, Map<String, Object>> alerts = new HashMap<>();
        alerts(render("prod")).forEach(a -> alerts.put((String) a.get("alert"), a));
        Map<String, List<String>> reads = Map.of(
                "KordonSignInFailureSurge", List.of("kordon_security_events_total"),
                "KordonSignInsShed", List.of("kordon_credential_shed_total"),
                "KordonInternalErrors", List.of("kordon_internal_errors_total"),
                "KordonOutboxLagging", List.of("kordon_outbox_lag_seconds"),
                "KordonOutboxNoKeyOpens", List.of("kordon_outbox_deliveries_total"),
                "KordonSmsBudgetNearCap", List.of("kordon_sms_budget_spent_total", "kordon_sms_budget_per_minute"));
        for (var expected : reads.entrySet()) {
            var alert = alerts.get(expected.getKey());
            assertThat(alert).as(expected.getKey()).isNotNull();
            assertThat(promqlMetrics((String) alert.get("expr")))
                    .as(expected.getKey())
                    .containsExactlyInAnyOrderElementsOf(expected.getValue());
            assertThat(str(alert, "for"))
                    .as("%s waits before it fires", expected.getKey())
                    .matches("\\d+m");
            assertThat(str(alert, "annotations", "summary"))
                    .as(expected.getKey())
                    .isNotBlank();
        }
        // "Near its cap": the cluster's SMS per minute against 80 % of the cap every pod exports.
        assertThat((String) alerts.get("KordonSmsBudgetNearCap").get("expr"))
                .contains("* 60")
                .contains("0.8 * max(kordon_sms_budget_per_minute");
        // One stream and one budget for all pods: their gauges are read with max, never summed.
        assertThat((String) alerts.get("KordonOutboxLagging").get("expr")).startsWith("max(");
        assertThat((String) alerts.get("KordonOutboxNoKeyOpens").get("expr")).contains("outcome=\"no_key\"");
    }

    @Test
    void prodShipsTheDashboardAsAConfigMapForGrafanasSidecar() throws IOException {
        var configMap = one(render("prod"), "ConfigMap", "kordon-grafana-dashboard");
        assertThat(str(configMap, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
        assertThat(map(configMap, "data")).containsOnlyKeys("kordon.json");
        JsonObject dashboard = dashboard();
        assertThat(dashboard)
                .isEqualTo(
                        new JsonObject(Files.readString(OVERLAYS.resolve("prod").resolve("grafana-dashboard.json"))));
        assertThat(dashboard.getString("uid")).isNotBlank();
        assertThat(dashboard.getString("title")).isNotBlank();
        assertThat(dashboard.getJsonObject("templating").getJsonArray("list").stream()
                        .map(JsonObject.class::cast)
                        .filter(v -> "datasource".equals(v.getString("name"))))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getString("type")).isEqualTo("datasource");
                    assertThat(v.getString("query")).isEqualTo("prometheus");
                });

        Set<Integer> ids = new HashSet<>();
        Set<String> read = new TreeSet<>();
        for (JsonObject panel : panels(dashboard)) {
            assertThat(ids.add(panel.getInteger("id")))
                    .as("panel id %s once", panel.getInteger("id"))
                    .isTrue();
            var grid = panel.getJsonObject("gridPos");
            assertThat(grid.getInteger("x") + grid.getInteger("w"))
                    .as(panel.getString("title"))
                    .isLessThanOrEqualTo(24);
            if ("row".equals(panel.getString("type"))) {
                continue;
            }
            String title = panel.getString("title");
            assertThat(title).isNotBlank();
            assertThat(panel.getString("description")).as(title).isNotBlank();
            assertThat(panel.getJsonObject("datasource").getString("uid"))
                    .as(title)
                    .isEqualTo("${datasource}");
            var targets = panel.getJsonArray("targets").stream()
                    .map(JsonObject.class::cast)
                    .toList();
            assertThat(targets).as(title).isNotEmpty();
            assertThat(targets.stream().map(t -> t.getString("refId")))
                    .as(title)
                    .doesNotHaveDuplicates();
            for (JsonObject target : targets) {
                String expr = target.getString("expr");
                assertThat(expr).as(title).isNotBlank();
                Matcher m = SELECTOR.matcher(expr);
                while (m.find()) {
                    assertThat(m.group(2)).as("%s: %s", title, expr).contains("job=\"kordon-admin\"");
                }
                read.addAll(promqlMetrics(expr));
            }
        }
        // What the operations page promises the dashboard shows.
        assertThat(read)
                .containsAll(List.of(
                        "kordon_security_events_total",
                        "kordon_credential_shed_total",
                        "kordon_throttle_hits_total",
                        "kordon_hash_seconds_bucket",
                        "kordon_hash_queue_wait_seconds_bucket",
                        "kordon_hash_queue_depth",
                        "kordon_hash_queue_capacity",
                        "kordon_outbox_pending",
                        "kordon_outbox_lag_seconds",
                        "kordon_outbox_deliveries_total",
                        "kordon_sms_budget_spent_total",
                        "kordon_sms_budget_per_minute"));
    }

    /**
     * Every metric an alert or a dashboard panel reads is in a real Kordon's scrape, and so is every
     * label value they select exactly (events: the audit events Kordon records).
     */
    @Test
    void prodAlertsAndTheDashboardReadOnlyMetricsKordonExports() {
        List<String> exprs = new ArrayList<>();
        alerts(render("prod")).forEach(a -> exprs.add((String) a.get("expr")));
        int alertExprs = exprs.size();
        panels(dashboard()).forEach(p -> {
            if (p.containsKey("targets")) {
                p.getJsonArray("targets").forEach(t -> exprs.add(((JsonObject) t).getString("expr")));
            }
        });
        assertThat(alertExprs).isPositive().isLessThan(exprs.size());

        Set<String> metrics = new TreeSet<>();
        Set<String> events = new TreeSet<>();
        Set<List<String>> selected = new LinkedHashSet<>();
        for (String expr : exprs) {
            metrics.addAll(promqlMetrics(expr));
            Matcher m = SELECTOR.matcher(expr);
            while (m.find()) {
                Matcher l = MATCHER.matcher(m.group(2));
                while (l.find()) {
                    String label = l.group(1);
                    String op = l.group(2);
                    if ("event".equals(label) && (op.equals("=") || op.equals("=~"))) {
                        events.addAll(List.of(l.group(3).split("\\|")));
                    } else if (!"job".equals(label) && op.equals("=")) {
                        selected.add(List.of(m.group(1), label, l.group(3)));
                    }
                }
            }
        }
        assertThat(metrics).isNotEmpty();
        // "up" is the scrape's own series, written by Prometheus for every target.
        metrics.remove("up");

        Scrape scrape;
        try (Rig rig = Rig.start()) {
            rig.account("+375291300071", "Alerting-Password-71");
            rig.login("+375291300071", "Alerting-Password-71");
            rig.login("+375291300071", "wrong-alerting-password");
            rig.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375291300071")
                            .put("channel", "email"));
            // The server records a request once its answer is sent; the recovery mail goes out after the answer.
            scrape = Await.until(
                    Duration.ofSeconds(15),
                    () -> Scrape.of(rig),
                    s -> s.value("kordon_outbox_deliveries_total", "kind", "mail", "outcome", "sent") >= 1
                            && s.names().contains("vertx_http_server_requests_total"));
        }
        assertThat(scrape.names()).as("Kordon's /metrics").containsAll(metrics);
        for (List<String> s : selected) {
            assertThat(scrape.has(s.get(0), s.get(1), s.get(2)))
                    .as("%s{%s=\"%s\"} in the scrape", s.get(0), s.get(1), s.get(2))
                    .isTrue();
        }
        assertThat(events)
                .as("event labels are audit events Kordon records")
                .isNotEmpty()
                .isSubsetOf(auditEvents());
    }

    /** The scan of PromQL above finds metric names, and not functions, keywords, labels or durations. */
    @Test
    void thePromqlScanFindsMetricNamesOnly() {
        assertThat(promqlMetrics(
                        "sum by (kind) (rate(kordon_throttle_hits_total{job=\"kordon-admin\", kind=\"ip\"}[5m])) * 60"
                                + " > 0.8 * max(kordon_sms_budget_per_minute)"))
                .containsExactlyInAnyOrder("kordon_throttle_hits_total", "kordon_sms_budget_per_minute");
        assertThat(
                        promqlMetrics(
                                "histogram_quantile(0.99, sum by (le, op) (rate(kordon_hash_seconds_bucket{op=\"a(b)\"}[5m])))"))
                .containsExactly("kordon_hash_seconds_bucket");
        assertThat(promqlMetrics("absent(up{job=\"kordon-admin\"} == 1)")).containsExactly("up");
        assertThat(promqlMetrics("a / on(pod) group_left b offset 5m unless c and vector(1e3) or sum(d) without (pod)"))
                .containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    /** A PromQL selector: the metric name and what is between its braces. */
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    /** One label matcher inside the braces: label, operator, value. */
    private static final Pattern MATCHER =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final Set<String> PROMQL_KEYWORDS =
            Set.of("and", "or", "unless", "bool", "offset", "group_left", "group_right", "inf", "nan");
    /** A name that is not part of another token and not called as a function. */
    private static final Pattern PROMQL_NAME = Pattern.compile("(?<![\\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");

    /** The metric names a PromQL expression reads, with or without a selector. */
    static Set<String> promqlMetrics(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = PROMQL_NAME.matcher(bare);
        while (m.find()) {
            if (!PROMQL_KEYWORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The dashboard as the prod overlay renders it into its ConfigMap. */
    private static JsonObject dashboard() {
        var configMap = one(render("prod"), "ConfigMap", "kordon-grafana-dashboard");
        return new JsonObject((String) map(configMap, "data").get("kordon.json"));
    }

    /** Every panel, those inside collapsed rows too. */
    private static List<JsonObject> panels(JsonObject dashboard) {
        List<JsonObject> out = new ArrayList<>();
        for (Object p : dashboard.getJsonArray("panels")) {
            JsonObject panel = (JsonObject) p;
            out.add(panel);
            if (panel.containsKey("panels")) {
                panel.getJsonArray("panels").forEach(inner -> out.add((JsonObject) inner));
            }
        }
        return out;
    }

    private static List<Map<String, Object>> alerts(List<Map<String, Object>> objects) {
        return objects.stream()
                .filter(o -> "PrometheusRule".equals(o.get("kind")))
                .flatMap(r -> maps(at(r, "spec", "groups")).stream())
                .flatMap(g -> maps(g.get("rules")).stream())
                .filter(r -> r.containsKey("alert"))
                .toList();
    }

    private static Set<String> auditEvents() {
        Set<String> events = new LinkedHashSet<>();
        for (Field f : Audit.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    events.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return events;
    }
}
