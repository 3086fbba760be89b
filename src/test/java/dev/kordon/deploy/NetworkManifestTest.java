package dev.kordon.deploy;

import static dev.kordon.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What reaches Kordon and what it reaches: the NetworkPolicy, the Ingress, the portal-proxy component. */
class NetworkManifestTest {
    @BeforeAll
    static void kubectlIsThere() {
        Manifests.requireKubectl();
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void networkPolicyLetsInOnlyTheIngressControllerAndMonitoringAndOutOnlyTheBackends(String overlay) {
        var objects = render(overlay);
        var policy = one(objects, "NetworkPolicy", "kordon");
        assertThat(selects(map(policy, "spec", "podSelector", "matchLabels"), labels(podTemplate(objects))))
                .isTrue();
        assertThat(list(at(policy, "spec", "policyTypes"))).contains("Ingress", "Egress");

        Set<Integer> inPorts = new TreeSet<>();
        for (var rule : maps(at(policy, "spec", "ingress"))) {
            var peers = maps(rule.get("from"));
            assertThat(peers)
                    .as("an ingress rule without peers would admit anyone")
                    .isNotEmpty();
            Set<Integer> ports = ports(rule);
            assertThat(ports)
                    .as("an ingress rule without ports would open every port")
                    .isNotEmpty();
            inPorts.addAll(ports);
            for (var peer : peers) {
                Object namespace = at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name");
                assertThat(peer).doesNotContainKey("ipBlock");
                if (ports.contains(8080)) {
                    assertThat(ports).containsOnly(8080);
                    assertThat(namespace)
                            .as("the public port: the ingress controller's namespace")
                            .isNotNull();
                    assertThat(map(peer, "podSelector", "matchLabels"))
                            .as("... and its pods")
                            .isNotEmpty();
                } else {
                    assertThat(ports).containsOnly(8081);
                    assertThat(namespace)
                            .as("the admin port: the monitoring namespace only")
                            .isEqualTo("monitoring");
                }
            }
        }
        assertThat(inPorts).containsExactly(8080, 8081);

        Set<String> outPorts = new TreeSet<>();
        for (var rule : maps(at(policy, "spec", "egress"))) {
            Set<String> ports = maps(rule.get("ports")).stream()
                    .map(p -> p.get("port") + "/" + Objects.requireNonNullElse(p.get("protocol"), "TCP"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(ports)
                    .as("an egress rule without ports would open every port")
                    .isNotEmpty();
            if (ports.stream().anyMatch(p -> p.startsWith("53/"))) {
                assertThat(ports).containsOnly("53/UDP", "53/TCP");
                assertThat(maps(rule.get("to")))
                        .isNotEmpty()
                        .allMatch(peer -> "kube-system"
                                .equals(at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name")));
            }
            outPorts.addAll(ports);
        }
        assertThat(outPorts)
                .containsExactlyInAnyOrder(
                        "53/UDP",
                        "53/TCP",
                        "5432/TCP",
                        "6379/TCP",
                        "26379/TCP",
                        "25/TCP",
                        "465/TCP",
                        "587/TCP",
                        "443/TCP");
    }

    /**
     * k8s/components/portal-proxy on top of prod, as an operator's overlay would add it: the prefix
     * joins the Ingress, one egress rule opens the portal's port in the portal's namespace and nothing
     * else changes, and the routes it sets are ones Kordon starts with.
     */
    @Test
    void thePortalProxyComponentRoutesItsPrefixAndOpensOnlyThePortalsPort() throws IOException {
        Path overlay = Path.of("target", "k8s-portal-proxy");
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - ../../k8s/overlays/prod
        components:
          - ../../k8s/components/portal-proxy
        """);
        String name = "../../target/k8s-portal-proxy";
        var objects = render(name);
        var prod = render("prod");
        ingressRoutesNeitherMetricsNorDevNorAdminNorHealth(name);

        var paths = maps(
                at(maps(at(one(objects, "Ingress", "kordon"), "spec", "rules")).get(0), "http", "paths"));
        var prodPaths = maps(
                at(maps(at(one(prod, "Ingress", "kordon"), "spec", "rules")).get(0), "http", "paths"));
        assertThat(paths).hasSize(prodPaths.size() + 1).containsAll(prodPaths);
        var added = paths.get(paths.size() - 1);
        assertThat(added.get("path")).isEqualTo("/portal");
        assertThat(added.get("pathType")).isEqualTo("Prefix");

        var egress = maps(at(one(objects, "NetworkPolicy", "kordon"), "spec", "egress"));
        var prodEgress = maps(at(one(prod, "NetworkPolicy", "kordon"), "spec", "egress"));
        assertThat(egress).hasSize(prodEgress.size() + 1).containsAll(prodEgress);
        var portal = egress.get(egress.size() - 1);
        assertThat(ports(portal)).containsExactly(3000);
        assertThat(maps(portal.get("to")))
                .singleElement()
                .satisfies(
                        peer -> assertThat(at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"))
                                .isEqualTo("portal"));

        Map<String, String> env = new HashMap<>(config(objects));
        env.put("KORDON_ADMIN_TOKEN", "k".repeat(32));
        env.put("KORDON_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        // The pod's mounted key Secret, here a directory of the test's own.
        env.put(
                "KORDON_JWT_KEYS_DIR",
                Files.createDirectories(overlay.resolve("keys")).toString());
        KordonConfig kordon = KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), env));
        assertThat(kordon.proxy().routes()).singleElement().satisfies(r -> {
            assertThat(r.prefix()).isEqualTo("/portal");
            assertThat(r.origin()).isEqualTo("http://portal.portal.svc.cluster.local:3000");
        });
        assertThat(kordon.portalUrl()).startsWith("https://auth.example.by/");
        // The host sign-in sends browsers back to is the Ingress's own.
        assertThat(at(
                        maps(at(one(objects, "Ingress", "kordon"), "spec", "rules"))
                                .get(0),
                        "host"))
                .isEqualTo("auth.example.by");
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void ingressRoutesNeitherMetricsNorDevNorAdminNorHealth(String overlay) {
        var objects = render(overlay);
        var pod = podTemplate(objects);
        var ingresses =
                objects.stream().filter(o -> "Ingress".equals(o.get("kind"))).toList();
        assertThat(ingresses).isNotEmpty();
        for (var ingress : ingresses) {
            for (var rule : maps(at(ingress, "spec", "rules"))) {
                for (var path : maps(at(rule, "http", "paths"))) {
                    String p = (String) path.get("path");
                    assertThat(p)
                            .as("%s routes %s", name(ingress), p)
                            .doesNotMatch("/(metrics|dev|admin|health)(/.*)?")
                            .matches(x -> !"/".equals(x) || "Exact".equals(path.get("pathType")), "no catch-all path");
                    var backend = map(path, "backend", "service");
                    var service = one(objects, "Service", (String) backend.get("name"));
                    Object port =
                            Objects.requireNonNullElse(at(backend, "port", "name"), at(backend, "port", "number"));
                    int target = maps(at(service, "spec", "ports")).stream()
                            .filter(sp -> port.equals(sp.get("name")) || port.equals(sp.get("port")))
                            .map(sp -> containerPort(pod, sp.get("targetPort")))
                            .findFirst()
                            .orElseThrow();
                    assertThat(target).as("%s goes to the public port", p).isEqualTo(8080);
                }
            }
        }
    }
}
