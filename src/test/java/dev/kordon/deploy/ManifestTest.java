package dev.kordon.deploy;

import static dev.kordon.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The workload of every overlay held to the rules of docs/operations.md: its Services, probes,
 * memory, security, grace period, Secrets, variables and autoscaling. Without kubectl the tests
 * are skipped, unless CI or KORDON_REQUIRE_KUBECTL=true is set: then they fail. k8s/check runs
 * these and the other *ManifestTest classes of this package.
 */
class ManifestTest {
    private static final Set<String> OPERATOR_SECRETS = Set.of("kordon-secrets", "kordon-jwt-keys");

    @BeforeAll
    static void kubectlIsThere() {
        Manifests.requireKubectl();
    }

    @Test
    void theOverlaysAreDevAndProd() throws IOException {
        assertThat(overlays()).containsExactly("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void rendersWithTheWorkloadItsServicesAndItsGuards(String overlay) {
        var objects = render(overlay);
        assertThat(one(objects, "Deployment", "kordon")).isNotNull();
        assertThat(one(objects, "HorizontalPodAutoscaler", "kordon")).isNotNull();
        assertThat(one(objects, "PodDisruptionBudget", "kordon")).isNotNull();
        assertThat(one(objects, "NetworkPolicy", "kordon")).isNotNull();
        var pod = podTemplate(objects);

        var publicService = one(objects, "Service", "kordon");
        assertThat(servicePorts(publicService, pod)).containsExactly(8080);
        var adminService = one(objects, "Service", "kordon-admin");
        assertThat(servicePorts(adminService, pod)).containsExactly(8081);
        assertThat(str(adminService, "spec", "type")).isIn(null, "ClusterIP");
        for (var service : List.of(publicService, adminService)) {
            assertThat(selects(map(service, "spec", "selector"), labels(pod)))
                    .as("%s selects the pods", name(service))
                    .isTrue();
        }
        assertThat(selects(
                        map(one(objects, "PodDisruptionBudget", "kordon"), "spec", "selector", "matchLabels"),
                        labels(pod)))
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void probesStartupReadinessAndLivenessOnTheHealthPaths(String overlay) {
        var objects = render(overlay);
        var pod = podTemplate(objects);
        var kordon = container(pod);
        assertThat(probe(kordon, "startupProbe")).isEqualTo("/health/live:8080");
        assertThat(probe(kordon, "readinessProbe")).isEqualTo("/health/ready:8080");
        assertThat(probe(kordon, "livenessProbe")).isEqualTo("/health/live:8080");
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void memoryAndJvmSettingsAreTheBenchmarkFigures(String overlay) throws IOException {
        // docs/benchmarks.md, "JVM settings for the image and Kubernetes": "The manifests request
        // 384 MiB, limit 512 MiB, and run with `-XX:+UseG1GC ...`".
        String bench = Files.readString(Path.of("docs", "benchmarks.md")).replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("request (\\d+) MiB, limit (\\d+) MiB, and run with `([^`]+)`")
                .matcher(bench);
        assertThat(m.find())
                .as("docs/benchmarks.md names the request, the limit and the flags")
                .isTrue();
        // The figures themselves: the heap is half of a 512 MiB limit, which the benchmark measured.
        assertThat(List.of(m.group(1), m.group(2))).containsExactly("384", "512");
        assertThat(m.group(3)).contains("-XX:MaxRAMPercentage=50");

        var kordon = container(podTemplate(render(overlay)));
        assertThat(str(kordon, "resources", "requests", "memory")).isEqualTo(m.group(1) + "Mi");
        assertThat(str(kordon, "resources", "limits", "memory")).isEqualTo(m.group(2) + "Mi");
        assertThat(env(kordon, "JAVA_TOOL_OPTIONS")).isEqualTo(m.group(3) + " -Dvertx.cacheDirBase=/tmp/vertx-cache");
        assertThat(str(kordon, "resources", "requests", "cpu")).isEqualTo("500m");
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void hashingThreadsMatchTheCpuLimitTheMemoryWasMeasuredWith(String overlay) {
        var objects = render(overlay);
        var kordon = container(podTemplate(objects));
        double cpuLimit = cpu(str(kordon, "resources", "limits", "cpu"));
        String workers = config(objects).get("KORDON_HASH_WORKERS");
        assertThat(workers)
                .as("KORDON_HASH_WORKERS is set: without a CPU limit the JVM would see the node's CPUs")
                .isNotNull();
        assertThat(Integer.parseInt(workers)).isEqualTo((int) Math.ceil(cpuLimit));
    }

    @Test
    void theImageRunsTheSameJvmFlagsAsTheDeployment() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<jib\\.java-tool-options>([^<]+)</jib\\.java-tool-options>")
                .matcher(pom);
        assertThat(m.find()).isTrue();
        assertThat(pom).contains("<JAVA_TOOL_OPTIONS>${jib.java-tool-options}</JAVA_TOOL_OPTIONS>");
        for (String overlay : List.of("dev", "prod")) {
            assertThat(env(container(podTemplate(render(overlay))), "JAVA_TOOL_OPTIONS"))
                    .isEqualTo(m.group(1));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void podRunsAsNonRootReadOnlyWithoutCapabilitiesOrServiceAccountToken(String overlay) {
        var pod = podTemplate(render(overlay));
        var spec = map(pod, "spec");
        var kordon = container(pod);
        assertThat(spec.get("automountServiceAccountToken")).isEqualTo(false);
        assertThat(first(
                        bool(kordon, "securityContext", "runAsNonRoot"), bool(spec, "securityContext", "runAsNonRoot")))
                .isEqualTo(true);
        assertThat(at(spec, "securityContext", "runAsUser")).isEqualTo(10001);
        assertThat(str(spec, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
        assertThat(bool(kordon, "securityContext", "readOnlyRootFilesystem")).isTrue();
        assertThat(bool(kordon, "securityContext", "allowPrivilegeEscalation")).isFalse();
        assertThat(list(at(kordon, "securityContext", "capabilities", "drop"))).contains("ALL");
        assertThat(list(at(kordon, "securityContext", "capabilities", "add"))).isEmpty();
        // The one writable place: an emptyDir at /tmp.
        String tmpVolume = maps(kordon.get("volumeMounts")).stream()
                .filter(v -> "/tmp".equals(v.get("mountPath")))
                .map(v -> (String) v.get("name"))
                .findFirst()
                .orElse(null);
        assertThat(tmpVolume).isNotNull();
        assertThat(maps(spec.get("volumes")).stream()
                        .filter(v -> tmpVolume.equals(v.get("name")))
                        .anyMatch(v -> v.containsKey("emptyDir")))
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void podsSpreadAcrossZonesAndNodes(String overlay) {
        var pod = podTemplate(render(overlay));
        var constraints = maps(at(pod, "spec", "topologySpreadConstraints"));
        Set<String> keys = new HashSet<>();
        for (var c : constraints) {
            assertThat(selects(map(c, "labelSelector", "matchLabels"), labels(pod)))
                    .isTrue();
            keys.add((String) c.get("topologyKey"));
        }
        assertThat(keys).contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void secretsAreReferencedByNameAndNeverRendered(String overlay) {
        var objects = render(overlay);
        assertThat(objects)
                .as("no Secret is generated from a file in the repository")
                .noneMatch(o -> "Secret".equals(o.get("kind")));
        var pod = podTemplate(objects);
        var kordon = container(pod);
        assertThat(maps(kordon.get("envFrom"))).anyMatch(e -> "kordon-secrets".equals(at(e, "secretRef", "name")));
        // The signing keys: the operator's Secret, mounted where KORDON_JWT_KEYS_DIR points.
        String keysVolume = maps(map(pod, "spec").get("volumes")).stream()
                .filter(v -> "kordon-jwt-keys".equals(at(v, "secret", "secretName")))
                .map(v -> (String) v.get("name"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume from the Secret kordon-jwt-keys"));
        assertThat(maps(kordon.get("volumeMounts")))
                .anyMatch(v -> keysVolume.equals(v.get("name"))
                        && "/etc/kordon/keys".equals(v.get("mountPath"))
                        && Boolean.TRUE.equals(v.get("readOnly")));
        assertThat(env(kordon, "KORDON_JWT_KEYS_DIR")).isEqualTo("/etc/kordon/keys");
        // Every other Secret named is the operator's or one an operator in the same render generates
        // (CloudNativePG writes <cluster>-app for each Cluster).
        Set<String> generated = objects.stream()
                .filter(o -> "Cluster".equals(o.get("kind")))
                .map(o -> name(o) + "-app")
                .collect(Collectors.toSet());
        for (var workload : workloads(objects)) {
            for (var c : maps(at(workload, "spec", "template", "spec", "containers"))) {
                for (var e : maps(c.get("env"))) {
                    Object ref = at(e, "valueFrom", "secretKeyRef", "name");
                    if (ref != null) {
                        assertThat((String) ref)
                                .as("%s: %s", name(workload), e.get("name"))
                                .isIn(union(OPERATOR_SECRETS, generated));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void everyKordonVariableIsAConfigurationKeyAndEveryReferenceResolves(String overlay) {
        var objects = render(overlay);
        Set<String> known = ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of()).keys().stream()
                .map(ConfigTree::envName)
                .collect(Collectors.toSet());
        var kordon = container(podTemplate(objects));
        Set<String> names = new TreeSet<>(config(objects).keySet());
        List<String> defined = new ArrayList<>();
        for (var e : maps(kordon.get("env"))) {
            String n = (String) e.get("name");
            names.add(n);
            String value = (String) e.get("value");
            if (value != null) {
                Matcher ref =
                        Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
                while (ref.find()) {
                    assertThat(defined)
                            .as("%s refers to $(%s), defined before it", n, ref.group(1))
                            .contains(ref.group(1));
                }
            }
            defined.add(n);
        }
        for (String n : names) {
            if (n.startsWith(ConfigTree.ENV_PREFIX)) {
                assertThat(known).as("%s names a configuration key", n).contains(n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void autoscalerScalesTheDeploymentOnCpuFromItsMinimum(String overlay) {
        var objects = render(overlay);
        var hpa = one(objects, "HorizontalPodAutoscaler", "kordon");
        assertThat(str(hpa, "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
        assertThat(str(hpa, "spec", "scaleTargetRef", "name")).isEqualTo("kordon");
        assertThat(maps(at(hpa, "spec", "metrics"))).anyMatch(m -> "cpu".equals(at(m, "resource", "name")));
        int min = (Integer) at(hpa, "spec", "minReplicas");
        assertThat(min).isEqualTo("prod".equals(overlay) ? 3 : 1);
        assertThat((Integer) at(hpa, "spec", "maxReplicas")).isGreaterThan(min);
        assertThat(at(one(objects, "Deployment", "kordon"), "spec", "replicas")).isEqualTo(min);
        // A node drain never waits forever at the minimum.
        var pdb = one(objects, "PodDisruptionBudget", "kordon");
        Object maxUnavailable = at(pdb, "spec", "maxUnavailable");
        Object minAvailable = at(pdb, "spec", "minAvailable");
        assertThat(maxUnavailable instanceof Integer u && u >= 1 || minAvailable instanceof Integer a && a < min)
                .isTrue();
    }

    @Test
    void prodRunsPostgresOnCloudNativePgBehindItsPoolerAndRedisAsACluster() {
        var objects = render("prod");
        var cluster = objects.stream()
                .filter(o -> "Cluster".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(cluster.get("apiVersion")).isEqualTo("postgresql.cnpg.io/v1");
        assertThat(at(cluster, "spec", "instances")).isEqualTo(3);
        var pooler = objects.stream()
                .filter(o -> "Pooler".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(pooler.get("apiVersion")).isEqualTo("postgresql.cnpg.io/v1");
        assertThat(at(pooler, "spec", "cluster", "name")).isEqualTo(name(cluster));
        assertThat(at(pooler, "spec", "type")).isEqualTo("rw");
        assertThat(at(pooler, "spec", "pgbouncer", "poolMode")).isNotNull();

        var kordon = container(podTemplate(objects));
        String url = env(kordon, "KORDON_PG_URL");
        assertThat(url).as("KORDON_PG_URL is set in the Deployment").isNotNull();
        URI pg = URI.create(url.replaceAll("\\$\\([A-Z_]+\\)", "x"));
        assertThat(pg.getHost()).as("Kordon connects to the pooler").isEqualTo(name(pooler));
        for (String var : List.of("PG_APP_USER", "PG_APP_PASSWORD")) {
            assertThat(url).contains("$(" + var + ")");
            var e = maps(kordon.get("env")).stream()
                    .filter(x -> var.equals(x.get("name")))
                    .findFirst()
                    .orElseThrow();
            assertThat(at(e, "valueFrom", "secretKeyRef", "name")).isEqualTo(name(cluster) + "-app");
        }

        var config = config(objects);
        assertThat(config.get("KORDON_REDIS_MODE")).isEqualTo("cluster");
        assertThat(config.get("KORDON_REDIS_URL").split(","))
                .hasSizeGreaterThanOrEqualTo(3)
                .allMatch(u -> u.startsWith("redis://"));
    }

    @Test
    void devRunsOneKordonWithItsOwnRedisAndPostgres() {
        var objects = render("dev");
        for (String workload : List.of("redis", "postgres")) {
            assertThat(workloads(objects)).as(workload).anyMatch(w -> workload.equals(name(w)));
        }
        var pod = podTemplate(objects);
        var config = config(objects);
        assertThat(config.get("KORDON_REDIS_MODE")).isEqualTo("standalone");
        URI redis = URI.create(config.get("KORDON_REDIS_URL"));
        assertThat(servicePorts(one(objects, "Service", redis.getHost()), podTemplate(objects, redis.getHost())))
                .contains(redis.getPort());
        URI pg = URI.create(env(container(pod), "KORDON_PG_URL").replaceAll("\\$\\([A-Z_]+\\)", "x"));
        assertThat(servicePorts(one(objects, "Service", pg.getHost()), podTemplate(objects, pg.getHost())))
                .contains(pg.getPort());
        assertThat(at(one(objects, "Deployment", "kordon"), "spec", "replicas")).isEqualTo(1);
    }
}
