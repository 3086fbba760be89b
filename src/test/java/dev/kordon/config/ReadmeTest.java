package dev.kordon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The documented configuration table and edge set-ups must not drift from the shipped file and from Kordon. */
class ReadmeTest {
    @Test
    void everyKeyIsInTheConfigurationTable() throws Exception {
        String readme = Files.readString(Path.of("docs", "configuration.md"));
        for (String key :
                ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of()).keys()) {
            assertThat(readme).as(key).contains("| `" + key + "` | `" + ConfigTree.envName(key) + "` |");
        }
    }

    /** The forward-auth section's fenced blocks of one language, in order. */
    static List<String> forwardAuthBlocks(String language) throws Exception {
        String readme = Files.readString(Path.of("docs", "edge.md"));
        int from = readme.indexOf("\n## Behind nginx / Traefik / Envoy\n");
        assertThat(from).as("docs/edge.md's forward-auth section").isPositive();
        int to = readme.indexOf("\n## ", from + 1);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        List<String> blocks = new ArrayList<>();
        String fence = "```" + language + "\n";
        for (int i = section.indexOf(fence); i >= 0; i = section.indexOf(fence, i + 1)) {
            int start = i + fence.length();
            blocks.add(section.substring(start, section.indexOf("\n```\n", start) + 1));
        }
        return blocks;
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object tree, Object... path) {
        Object node = tree;
        for (Object step : path) {
            assertThat(node).as("the way to " + step).isNotNull();
            node = step instanceof Integer i ? ((List<Object>) node).get(i) : ((Map<String, Object>) node).get(step);
        }
        return (T) node;
    }

    /**
     * Traefik and Envoy do not run in the tests (Debian has neither), so their documented configurations
     * are held to their shape: they parse, and name what Kordon's side relies on.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theTraefikAndEnvoyConfigurationsParseAndHaveTheirShape() throws Exception {
        List<String> yaml = forwardAuthBlocks("yaml");
        assertThat(yaml).as("a Traefik and an Envoy block").hasSize(2);
        List<String> identity = List.of("X-Kordon-Subject", "X-Kordon-Login", "X-Kordon-Role", "X-Kordon-Acr");

        Map<String, Object> traefik = new Yaml().load(yaml.get(0));
        Map<String, Object> forwardAuth = at(traefik, "http", "middlewares", "kordon", "forwardAuth");
        assertThat((String) forwardAuth.get("address")).endsWith("/auth/verify");
        assertThat((List<String>) forwardAuth.get("authResponseHeaders")).isEqualTo(identity);
        assertThat((List<String>) at(traefik, "http", "routers", "portal", "middlewares"))
                .containsExactly("kordon");
        Map<String, Object> pages = at(traefik, "http", "routers", "kordon-pages");
        assertThat(pages).doesNotContainKey("middlewares").containsEntry("service", "kordon");
        assertThat((String) pages.get("rule")).contains("(login|register|logout|password|static)");
        assertThat((Map<String, Object>) at(traefik, "http", "services")).containsKeys("kordon", "portal");

        Map<String, Object> envoy = new Yaml().load(yaml.get(1));
        Map<String, Object> hcm =
                at(envoy, "static_resources", "listeners", 0, "filter_chains", 0, "filters", 0, "typed_config");
        assertThat((String) hcm.get("@type"))
                .isEqualTo(
                        "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
        List<Map<String, Object>> filters = (List<Map<String, Object>>) hcm.get("http_filters");
        assertThat(filters)
                .extracting(f -> f.get("name"))
                .containsExactly(
                        "envoy.filters.http.header_mutation",
                        "envoy.filters.http.ext_authz",
                        "envoy.filters.http.router");
        for (Map<String, Object> f : filters) {
            String type = at(f, "typed_config", "@type");
            assertThat(type)
                    .startsWith("type.googleapis.com/envoy.extensions.filters.http.")
                    .contains(".v3.");
        }
        List<Map<String, Object>> removed = at(filters.get(0), "typed_config", "mutations", "request_mutations");
        assertThat(removed)
                .extracting(m -> m.get("remove"))
                .containsExactlyElementsOf(
                        identity.stream().map(String::toLowerCase).toList());
        Map<String, Object> extAuthz = at(filters.get(1), "typed_config");
        assertThat(extAuthz).containsEntry("failure_mode_allow", false);
        assertThat((String) at(extAuthz, "http_service", "path_prefix")).isEqualTo("/auth/verify");
        assertThat((String) at(extAuthz, "http_service", "server_uri", "cluster"))
                .isEqualTo("kordon");
        List<Map<String, Object>> upstream =
                at(extAuthz, "http_service", "authorization_response", "allowed_upstream_headers", "patterns");
        assertThat(upstream)
                .extracting(p -> p.get("exact"))
                .containsExactlyElementsOf(
                        identity.stream().map(String::toLowerCase).toList());
        List<Map<String, Object>> asked = at(extAuthz, "allowed_headers", "patterns");
        assertThat(asked).extracting(p -> p.get("exact")).contains("cookie", "accept", "x-forwarded-proto");
        List<Map<String, Object>> routes = at(hcm, "route_config", "virtual_hosts", 0, "routes");
        assertThat((String) at(routes.get(0), "match", "safe_regex", "regex"))
                .contains("(login|register|logout|password|static)");
        assertThat((Object) at(routes.get(0), "typed_per_filter_config", "envoy.filters.http.ext_authz", "disabled"))
                .isEqualTo(true);
        assertThat((String) at(routes.get(0), "route", "cluster")).isEqualTo("kordon");
        assertThat((String) at(routes.get(1), "route", "cluster")).isEqualTo("portal");
        List<Map<String, Object>> clusters = at(envoy, "static_resources", "clusters");
        assertThat(clusters).extracting(c -> c.get("name")).containsExactly("kordon", "portal");
    }

    /** The proxy section's configuration block, as written, on top of the shipped file: Kordon takes it. */
    @Test
    @SuppressWarnings("unchecked")
    void theProxySectionsConfigurationIsAcceptedAsWritten() throws Exception {
        String readme = Files.readString(Path.of("docs", "edge.md"));
        int from = readme.indexOf("\n## Kordon as the portal's proxy\n");
        assertThat(from).as("docs/edge.md's proxy section").isPositive();
        int start = readme.indexOf("```yaml\n", from) + "```yaml\n".length();
        int next = readme.indexOf("\n## ", from + 1);
        assertThat(next < 0 ? readme.length() : next)
                .as("its block lies within it")
                .isGreaterThan(start);
        Map<String, Object> block = new Yaml().load(readme.substring(start, readme.indexOf("\n```\n", start) + 1));
        ConfigTree tree = ConfigTree.load(
                Path.of("conf", "kordon.yaml"),
                Map.of(
                        "KORDON_ADMIN_TOKEN",
                        "a-long-enough-admin-token-123456",
                        "KORDON_JWT_KEYS_DIR",
                        "/keys",
                        "KORDON_SECRETS_KEY",
                        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        for (Map.Entry<String, Object> section : block.entrySet()) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) section.getValue()).entrySet()) {
                String key = section.getKey() + "." + e.getKey();
                assertThat(tree.keys()).as("the block names a shipped key").contains(key);
                tree = tree.with(key, e.getValue());
            }
        }
        KordonConfig c = KordonConfig.from(tree);
        assertThat(c.portalUrl()).isEqualTo("https://my.example.by/");
        assertThat(c.proxy().routes())
                .extracting(KordonConfig.Proxy.Route::prefix)
                .containsExactlyInAnyOrder("/portal", "/reports");
        assertThat(c.proxy().routes())
                .extracting(KordonConfig.Proxy.Route::origin)
                .containsExactlyInAnyOrder("http://portal.internal:3000", "https://reports.internal:443");
    }
}
