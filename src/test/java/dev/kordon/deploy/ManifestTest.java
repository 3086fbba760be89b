package dev.kordon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests as {@code kubectl kustomize} renders each overlay on a fresh checkout,
 * with nothing created first, parsed and held to the rules of docs/operations.md. Without kubectl
 * the tests are skipped, unless CI or KORDON_REQUIRE_KUBECTL=true is set: then they fail.
 */
class ManifestTest {
  private static final Path OVERLAYS = Path.of("k8s", "overlays");
  private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();
  private static final Set<String> OPERATOR_SECRETS = Set.of("kordon-secrets", "kordon-jwt-keys");

  @BeforeAll
  static void kubectlIsThere() {
    boolean present;
    try {
      Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      present = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      present = false;
    }
    String ci = System.getenv("CI");
    boolean required = (ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci))
        || "true".equals(System.getenv("KORDON_REQUIRE_KUBECTL"));
    if (!present && required) {
      throw new IllegalStateException("kubectl is required to check the manifests (CI or KORDON_REQUIRE_KUBECTL=true)");
    }
    Assumptions.assumeTrue(present, "the manifest tests need kubectl (kubectl kustomize); skipped without it");
  }

  static Stream<String> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
    }
  }

  @Test
  void theOverlaysAreDevAndProd() throws IOException {
    assertThat(overlays()).containsExactly("dev", "prod");
  }

  @ParameterizedTest
  @MethodSource("overlays")
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
      assertThat(selects(map(service, "spec", "selector"), labels(pod))).as("%s selects the pods", name(service)).isTrue();
    }
    assertThat(selects(map(one(objects, "PodDisruptionBudget", "kordon"), "spec", "selector", "matchLabels"), labels(pod)))
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void probesStartupReadinessAndLivenessOnTheHealthPaths(String overlay) {
    var objects = render(overlay);
    var pod = podTemplate(objects);
    var kordon = container(pod);
    assertThat(probe(kordon, "startupProbe")).isEqualTo("/health/live:8080");
    assertThat(probe(kordon, "readinessProbe")).isEqualTo("/health/ready:8080");
    assertThat(probe(kordon, "livenessProbe")).isEqualTo("/health/live:8080");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void memoryAndJvmSettingsAreTheBenchmarkFigures(String overlay) throws IOException {
    // docs/benchmarks.md, "JVM settings for the image and Kubernetes": "The manifests request
    // 384 MiB, limit 512 MiB, and run with `-XX:+UseG1GC ...`".
    String bench = Files.readString(Path.of("docs", "benchmarks.md")).replaceAll("\\s+", " ");
    Matcher m = Pattern.compile("request (\\d+) MiB, limit (\\d+) MiB, and run with `([^`]+)`").matcher(bench);
    assertThat(m.find()).as("docs/benchmarks.md names the request, the limit and the flags").isTrue();

    var kordon = container(podTemplate(render(overlay)));
    assertThat(str(kordon, "resources", "requests", "memory")).isEqualTo(m.group(1) + "Mi");
    assertThat(str(kordon, "resources", "limits", "memory")).isEqualTo(m.group(2) + "Mi");
    assertThat(env(kordon, "JAVA_TOOL_OPTIONS")).isEqualTo(m.group(3) + " -Dvertx.cacheDirBase=/tmp/vertx-cache");
    assertThat(str(kordon, "resources", "requests", "cpu")).isEqualTo("500m");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void hashingThreadsMatchTheCpuLimitTheMemoryWasMeasuredWith(String overlay) {
    var objects = render(overlay);
    var kordon = container(podTemplate(objects));
    double cpuLimit = cpu(str(kordon, "resources", "limits", "cpu"));
    String workers = config(objects).get("KORDON_HASH_WORKERS");
    assertThat(workers).as("KORDON_HASH_WORKERS is set: without a CPU limit the JVM would see the node's CPUs").isNotNull();
    assertThat(Integer.parseInt(workers)).isEqualTo((int) Math.ceil(cpuLimit));
  }

  @Test
  void theImageRunsTheSameJvmFlagsAsTheDeployment() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m = Pattern.compile("<jib\\.java-tool-options>([^<]+)</jib\\.java-tool-options>").matcher(pom);
    assertThat(m.find()).isTrue();
    assertThat(pom).contains("<JAVA_TOOL_OPTIONS>${jib.java-tool-options}</JAVA_TOOL_OPTIONS>");
    for (String overlay : List.of("dev", "prod")) {
      assertThat(env(container(podTemplate(render(overlay))), "JAVA_TOOL_OPTIONS")).isEqualTo(m.group(1));
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void podRunsAsNonRootReadOnlyWithoutCapabilitiesOrServiceAccountToken(String overlay) {
    var pod = podTemplate(render(overlay));
    var spec = map(pod, "spec");
    var kordon = container(pod);
    assertThat(spec.get("automountServiceAccountToken")).isEqualTo(false);
    assertThat(first(bool(kordon, "securityContext", "runAsNonRoot"), bool(spec, "securityContext", "runAsNonRoot")))
        .isEqualTo(true);
    assertThat(at(spec, "securityContext", "runAsUser")).isEqualTo(10001);
    assertThat(str(spec, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    assertThat(bool(kordon, "securityContext", "readOnlyRootFilesystem")).isTrue();
    assertThat(bool(kordon, "securityContext", "allowPrivilegeEscalation")).isFalse();
    assertThat(list(at(kordon, "securityContext", "capabilities", "drop"))).contains("ALL");
    assertThat(list(at(kordon, "securityContext", "capabilities", "add"))).isEmpty();
    // The one writable place: an emptyDir at /tmp.
    String tmpVolume = maps(kordon.get("volumeMounts")).stream()
        .filter(v -> "/tmp".equals(v.get("mountPath"))).map(v -> (String) v.get("name")).findFirst().orElse(null);
    assertThat(tmpVolume).isNotNull();
    assertThat(maps(spec.get("volumes")).stream().filter(v -> tmpVolume.equals(v.get("name")))
        .anyMatch(v -> v.containsKey("emptyDir"))).isTrue();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void gracePeriodCoversPreStopDrainAndShutdownGrace(String overlay) {
    var pod = podTemplate(render(overlay));
    var kordon = container(pod);
    Object sleep = at(kordon, "lifecycle", "preStop", "sleep", "seconds");
    assertThat(sleep).as("preStop uses the native sleep action").isInstanceOf(Integer.class);
    int preStop = (Integer) sleep;
    assertThat(preStop).isPositive();
    // Durations read with Kordon's own parser, as Kordon will read these variables.
    ConfigTree tree = ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of(
        "KORDON_HTTP_DRAIN_DELAY", Objects.requireNonNull(env(kordon, "KORDON_HTTP_DRAIN_DELAY")),
        "KORDON_HTTP_SHUTDOWN_GRACE", Objects.requireNonNull(env(kordon, "KORDON_HTTP_SHUTDOWN_GRACE"))));
    Duration drain = tree.duration("http.drain-delay");
    Duration grace = tree.duration("http.shutdown-grace");
    int margin = 5;
    long needed = preStop + drain.toSeconds() + grace.toSeconds() + margin;
    assertThat(((Number) map(pod, "spec").get("terminationGracePeriodSeconds")).longValue())
        .as("terminationGracePeriodSeconds >= preStop %d + drain %s + grace %s + %d s", preStop, drain, grace, margin)
        .isGreaterThanOrEqualTo(needed);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void podsSpreadAcrossZonesAndNodes(String overlay) {
    var pod = podTemplate(render(overlay));
    var constraints = maps(at(pod, "spec", "topologySpreadConstraints"));
    Set<String> keys = new HashSet<>();
    for (var c : constraints) {
      assertThat(selects(map(c, "labelSelector", "matchLabels"), labels(pod))).isTrue();
      keys.add((String) c.get("topologyKey"));
    }
    assertThat(keys).contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void secretsAreReferencedByNameAndNeverRendered(String overlay) {
    var objects = render(overlay);
    assertThat(objects).as("no Secret is generated from a file in the repository")
        .noneMatch(o -> "Secret".equals(o.get("kind")));
    var pod = podTemplate(objects);
    var kordon = container(pod);
    assertThat(maps(kordon.get("envFrom"))).anyMatch(e -> "kordon-secrets".equals(at(e, "secretRef", "name")));
    // The signing keys: the operator's Secret, mounted where KORDON_JWT_KEYS_DIR points.
    String keysVolume = maps(map(pod, "spec").get("volumes")).stream()
        .filter(v -> "kordon-jwt-keys".equals(at(v, "secret", "secretName"))).map(v -> (String) v.get("name"))
        .findFirst().orElseThrow(() -> new AssertionError("no volume from the Secret kordon-jwt-keys"));
    assertThat(maps(kordon.get("volumeMounts"))).anyMatch(v -> keysVolume.equals(v.get("name"))
        && "/etc/kordon/keys".equals(v.get("mountPath")) && Boolean.TRUE.equals(v.get("readOnly")));
    assertThat(env(kordon, "KORDON_JWT_KEYS_DIR")).isEqualTo("/etc/kordon/keys");
    // Every other Secret named is the operator's or one an operator in the same render generates
    // (CloudNativePG writes <cluster>-app for each Cluster).
    Set<String> generated = objects.stream().filter(o -> "Cluster".equals(o.get("kind")))
        .map(o -> name(o) + "-app").collect(Collectors.toSet());
    for (var workload : workloads(objects)) {
      for (var c : maps(at(workload, "spec", "template", "spec", "containers"))) {
        for (var e : maps(c.get("env"))) {
          Object ref = at(e, "valueFrom", "secretKeyRef", "name");
          if (ref != null) {
            assertThat((String) ref).as("%s: %s", name(workload), e.get("name"))
                .isIn(union(OPERATOR_SECRETS, generated));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyKordonVariableIsAConfigurationKeyAndEveryReferenceResolves(String overlay) {
    var objects = render(overlay);
    Set<String> known = ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of()).keys().stream()
        .map(ConfigTree::envName).collect(Collectors.toSet());
    var kordon = container(podTemplate(objects));
    Set<String> names = new TreeSet<>(config(objects).keySet());
    List<String> defined = new ArrayList<>();
    for (var e : maps(kordon.get("env"))) {
      String n = (String) e.get("name");
      names.add(n);
      String value = (String) e.get("value");
      if (value != null) {
        Matcher ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
        while (ref.find()) {
          assertThat(defined).as("%s refers to $(%s), defined before it", n, ref.group(1)).contains(ref.group(1));
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
  @MethodSource("overlays")
  void networkPolicyLetsInOnlyTheIngressControllerAndMonitoringAndOutOnlyTheBackends(String overlay) {
    var objects = render(overlay);
    var policy = one(objects, "NetworkPolicy", "kordon");
    assertThat(selects(map(policy, "spec", "podSelector", "matchLabels"), labels(podTemplate(objects)))).isTrue();
    assertThat(list(at(policy, "spec", "policyTypes"))).contains("Ingress", "Egress");

    Set<Integer> inPorts = new TreeSet<>();
    for (var rule : maps(at(policy, "spec", "ingress"))) {
      var peers = maps(rule.get("from"));
      assertThat(peers).as("an ingress rule without peers would admit anyone").isNotEmpty();
      Set<Integer> ports = ports(rule);
      assertThat(ports).as("an ingress rule without ports would open every port").isNotEmpty();
      inPorts.addAll(ports);
      for (var peer : peers) {
        Object namespace = at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name");
        assertThat(peer).doesNotContainKey("ipBlock");
        if (ports.contains(8080)) {
          assertThat(ports).containsOnly(8080);
          assertThat(namespace).as("the public port: the ingress controller's namespace").isNotNull();
          assertThat(map(peer, "podSelector", "matchLabels")).as("... and its pods").isNotEmpty();
        } else {
          assertThat(ports).containsOnly(8081);
          assertThat(namespace).as("the admin port: the monitoring namespace only").isEqualTo("monitoring");
        }
      }
    }
    assertThat(inPorts).containsExactly(8080, 8081);

    Set<String> outPorts = new TreeSet<>();
    for (var rule : maps(at(policy, "spec", "egress"))) {
      Set<String> ports = maps(rule.get("ports")).stream()
          .map(p -> p.get("port") + "/" + Objects.requireNonNullElse(p.get("protocol"), "TCP"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(ports).as("an egress rule without ports would open every port").isNotEmpty();
      if (ports.stream().anyMatch(p -> p.startsWith("53/"))) {
        assertThat(ports).containsOnly("53/UDP", "53/TCP");
        assertThat(maps(rule.get("to"))).isNotEmpty().allMatch(peer ->
            "kube-system".equals(at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name")));
      }
      outPorts.addAll(ports);
    }
    assertThat(outPorts).containsExactlyInAnyOrder("53/UDP", "53/TCP", "5432/TCP", "6379/TCP", "26379/TCP",
        "25/TCP", "465/TCP", "587/TCP", "443/TCP");
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

    var paths = maps(at(maps(at(one(objects, "Ingress", "kordon"), "spec", "rules")).get(0), "http", "paths"));
    var prodPaths = maps(at(maps(at(one(prod, "Ingress", "kordon"), "spec", "rules")).get(0), "http", "paths"));
    assertThat(paths).hasSize(prodPaths.size() + 1).containsAll(prodPaths);
    var added = paths.get(paths.size() - 1);
    assertThat(added.get("path")).isEqualTo("/portal");
    assertThat(added.get("pathType")).isEqualTo("Prefix");

    var egress = maps(at(one(objects, "NetworkPolicy", "kordon"), "spec", "egress"));
    var prodEgress = maps(at(one(prod, "NetworkPolicy", "kordon"), "spec", "egress"));
    assertThat(egress).hasSize(prodEgress.size() + 1).containsAll(prodEgress);
    var portal = egress.get(egress.size() - 1);
    assertThat(ports(portal)).containsExactly(3000);
    assertThat(maps(portal.get("to"))).singleElement().satisfies(peer ->
        assertThat(at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name")).isEqualTo("portal"));

    Map<String, String> env = new HashMap<>(config(objects));
    env.put("KORDON_ADMIN_TOKEN", "k".repeat(32));
    env.put("KORDON_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    // The pod's mounted key Secret, here a directory of the test's own.
    env.put("KORDON_JWT_KEYS_DIR", Files.createDirectories(overlay.resolve("keys")).toString());
    KordonConfig kordon = KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), env));
    assertThat(kordon.proxy().routes()).singleElement().satisfies(r -> {
      assertThat(r.prefix()).isEqualTo("/portal");
      assertThat(r.origin()).isEqualTo("http://portal.portal.svc.cluster.local:3000");
    });
    assertThat(kordon.portalUrl()).startsWith("https://auth.example.by/");
    // The host sign-in sends browsers back to is the Ingress's own.
    assertThat(at(maps(at(one(objects, "Ingress", "kordon"), "spec", "rules")).get(0), "host")).isEqualTo("auth.example.by");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void ingressRoutesNeitherMetricsNorDevNorAdminNorHealth(String overlay) {
    var objects = render(overlay);
    var pod = podTemplate(objects);
    var ingresses = objects.stream().filter(o -> "Ingress".equals(o.get("kind"))).toList();
    assertThat(ingresses).isNotEmpty();
    for (var ingress : ingresses) {
      for (var rule : maps(at(ingress, "spec", "rules"))) {
        for (var path : maps(at(rule, "http", "paths"))) {
          String p = (String) path.get("path");
          assertThat(p).as("%s routes %s", name(ingress), p)
              .doesNotMatch("/(metrics|dev|admin|health)(/.*)?")
              .matches(x -> !"/".equals(x) || "Exact".equals(path.get("pathType")), "no catch-all path");
          var backend = map(path, "backend", "service");
          var service = one(objects, "Service", (String) backend.get("name"));
          Object port = Objects.requireNonNullElse(at(backend, "port", "name"), at(backend, "port", "number"));
          int target = maps(at(service, "spec", "ports")).stream()
              .filter(sp -> port.equals(sp.get("name")) || port.equals(sp.get("port")))
              .map(sp -> containerPort(pod, sp.get("targetPort"))).findFirst().orElseThrow();
          assertThat(target).as("%s goes to the public port", p).isEqualTo(8080);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
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
    assertThat(maxUnavailable instanceof Integer u && u >= 1 || minAvailable instanceof Integer a && a < min).isTrue();
  }

  @Test
  void prodRunsPostgresOnCloudNativePgBehindItsPoolerAndRedisAsACluster() {
    var objects = render("prod");
    var cluster = objects.stream().filter(o -> "Cluster".equals(o.get("kind"))).findFirst().orElseThrow();
    assertThat(cluster.get("apiVersion")).isEqualTo("postgresql.cnpg.io/v1");
    assertThat(at(cluster, "spec", "instances")).isEqualTo(3);
    var pooler = objects.stream().filter(o -> "Pooler".equals(o.get("kind"))).findFirst().orElseThrow();
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
      var e = maps(kordon.get("env")).stream().filter(x -> var.equals(x.get("name"))).findFirst().orElseThrow();
      assertThat(at(e, "valueFrom", "secretKeyRef", "name")).isEqualTo(name(cluster) + "-app");
    }

    var config = config(objects);
    assertThat(config.get("KORDON_REDIS_MODE")).isEqualTo("cluster");
    assertThat(config.get("KORDON_REDIS_URL").split(",")).hasSizeGreaterThanOrEqualTo(3)
        .allMatch(u -> u.startsWith("redis://"));
  }

  @Test
  void prodScrapesTheAdminPortAndEveryAlertIsDocumented() throws IOException {
    var objects = render("prod");
    var monitor = objects.stream().filter(o -> "ServiceMonitor".equals(o.get("kind"))).findFirst().orElseThrow();
    assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    var selector = map(monitor, "spec", "selector", "matchLabels");
    assertThat(selects(selector, map(one(objects, "Service", "kordon-admin"), "metadata", "labels"))).isTrue();
    assertThat(selects(selector, map(one(objects, "Service", "kordon"), "metadata", "labels")))
        .as("the public Service is not scraped").isFalse();
    assertThat(maps(at(monitor, "spec", "endpoints")))
        .allMatch(e -> "admin".equals(e.get("port")) && "/metrics".equals(e.get("path")));

    String operations = Files.readString(Path.of("docs", "operations.md"));
    var alerts = alerts(objects);
    assertThat(alerts).isNotEmpty();
    for (var alert : alerts) {
      String name = (String) alert.get("alert");
      assertThat(at(alert, "labels", "severity")).as(name).isIn("critical", "warning", "info");
      assertThat(operations).as("docs/operations.md explains %s", name).contains("### " + name);
      assertThat(str(alert, "annotations", "runbook")).as(name)
          .isEqualTo("docs/operations.md#" + name.toLowerCase(java.util.Locale.ROOT));
      assertThat((String) alert.get("expr")).as(name).contains("job=\"kordon-admin\"");
    }
  }

  /**
   * The alerts on the failure ratio, shedding, faults in Kordon, the outbox's lag and the SMS
   * budget: sustained, each with its runbook.
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
        "KordonSmsBudgetNearCap", List.of("kordon_sms_budget_spent_total", "kordon_sms_budget_per_minute"));
    for (var expected : reads.entrySet()) {
      var alert = alerts.get(expected.getKey());
      assertThat(alert).as(expected.getKey()).isNotNull();
      assertThat(promqlMetrics((String) alert.get("expr"))).as(expected.getKey())
          .containsExactlyInAnyOrderElementsOf(expected.getValue());
      assertThat(str(alert, "for")).as("%s waits before it fires", expected.getKey()).matches("\\d+m");
      assertThat(str(alert, "annotations", "summary")).as(expected.getKey()).isNotBlank();
    }
    // "Near its cap": the cluster's SMS per minute against 80 % of the cap every pod exports.
    assertThat((String) alerts.get("KordonSmsBudgetNearCap").get("expr"))
        .contains("* 60").contains("0.8 * max(kordon_sms_budget_per_minute");
    // One stream and one budget for all pods: their gauges are read with max, never summed.
    assertThat((String) alerts.get("KordonOutboxLagging").get("expr")).startsWith("max(");
  }

  @Test
  void prodShipsTheDashboardAsAConfigMapForGrafanasSidecar() throws IOException {
    var configMap = one(render("prod"), "ConfigMap", "kordon-grafana-dashboard");
    assertThat(str(configMap, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
    assertThat(map(configMap, "data")).containsOnlyKeys("kordon.json");
    JsonObject dashboard = dashboard();
    assertThat(dashboard).isEqualTo(new JsonObject(Files.readString(OVERLAYS.resolve("prod").resolve("grafana-dashboard.json"))));
    assertThat(dashboard.getString("uid")).isNotBlank();
    assertThat(dashboard.getString("title")).isNotBlank();
    assertThat(dashboard.getJsonObject("templating").getJsonArray("list").stream().map(JsonObject.class::cast)
        .filter(v -> "datasource".equals(v.getString("name"))))
        .singleElement().satisfies(v -> {
          assertThat(v.getString("type")).isEqualTo("datasource");
          assertThat(v.getString("query")).isEqualTo("prometheus");
        });

    Set<Integer> ids = new HashSet<>();
    Set<String> read = new TreeSet<>();
    for (JsonObject panel : panels(dashboard)) {
      assertThat(ids.add(panel.getInteger("id"))).as("panel id %s once", panel.getInteger("id")).isTrue();
      var grid = panel.getJsonObject("gridPos");
      assertThat(grid.getInteger("x") + grid.getInteger("w")).as(panel.getString("title")).isLessThanOrEqualTo(24);
      if ("row".equals(panel.getString("type"))) {
        continue;
      }
      String title = panel.getString("title");
      assertThat(title).isNotBlank();
      assertThat(panel.getString("description")).as(title).isNotBlank();
      assertThat(panel.getJsonObject("datasource").getString("uid")).as(title).isEqualTo("${datasource}");
      var targets = panel.getJsonArray("targets").stream().map(JsonObject.class::cast).toList();
      assertThat(targets).as(title).isNotEmpty();
      assertThat(targets.stream().map(t -> t.getString("refId"))).as(title).doesNotHaveDuplicates();
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
    assertThat(read).containsAll(List.of("kordon_security_events_total", "kordon_credential_shed_total",
        "kordon_throttle_hits_total", "kordon_hash_seconds_bucket", "kordon_hash_queue_wait_seconds_bucket",
        "kordon_hash_queue_depth", "kordon_hash_queue_capacity", "kordon_outbox_pending", "kordon_outbox_lag_seconds",
        "kordon_outbox_deliveries_total", "kordon_sms_budget_spent_total", "kordon_sms_budget_per_minute"));
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
      rig.post("/api/v1/password/recovery",
          new JsonObject().put("category", "mobile").put("login", "+375291300071").put("channel", "email"));
      // The server records a request once its answer is sent; the recovery mail goes out after the answer.
      scrape = Await.until(Duration.ofSeconds(15), () -> Scrape.of(rig),
          s -> s.value("kordon_outbox_deliveries_total", "kind", "mail", "outcome", "sent") >= 1
              && s.names().contains("vertx_http_server_requests_total"));
    }
    assertThat(scrape.names()).as("Kordon's /metrics").containsAll(metrics);
    for (List<String> s : selected) {
      assertThat(scrape.has(s.get(0), s.get(1), s.get(2))).as("%s{%s=\"%s\"} in the scrape", s.get(0), s.get(1), s.get(2))
          .isTrue();
    }
    assertThat(events).as("event labels are audit events Kordon records").isNotEmpty().isSubsetOf(auditEvents());
  }

  /** The scan of PromQL above finds metric names, and not functions, keywords, labels or durations. */
  @Test
  void thePromqlScanFindsMetricNamesOnly() {
    assertThat(promqlMetrics("sum by (kind) (rate(kordon_throttle_hits_total{job=\"kordon-admin\", kind=\"ip\"}[5m])) * 60"
        + " > 0.8 * max(kordon_sms_budget_per_minute)"))
        .containsExactlyInAnyOrder("kordon_throttle_hits_total", "kordon_sms_budget_per_minute");
    assertThat(promqlMetrics("histogram_quantile(0.99, sum by (le, op) (rate(kordon_hash_seconds_bucket{op=\"a(b)\"}[5m])))"))
        .containsExactly("kordon_hash_seconds_bucket");
    assertThat(promqlMetrics("absent(up{job=\"kordon-admin\"} == 1)")).containsExactly("up");
    assertThat(promqlMetrics("a / on(pod) group_left b offset 5m unless c and vector(1e3) or sum(d) without (pod)"))
        .containsExactlyInAnyOrder("a", "b", "c", "d");
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

  // ---- rendering

  private static List<Map<String, Object>> render(String overlay) {
    return RENDERED.computeIfAbsent(overlay, o -> {
      try {
        Process p = new ProcessBuilder("kubectl", "kustomize", OVERLAYS.resolve(o).toString()).start();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        copy(p.getInputStream(), out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("kubectl kustomize " + o + " did not finish in 60 s");
        }
        errReader.join();
        if (p.exitValue() != 0) {
          throw new AssertionError("kubectl kustomize " + o + " failed: " + err.toString(StandardCharsets.UTF_8));
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(out.toString(StandardCharsets.UTF_8))) {
          if (doc instanceof Map<?, ?> m) {
            objects.add(cast(m));
          }
        }
        return List.copyOf(objects);
      } catch (IOException e) {
        throw new AssertionError("kubectl kustomize " + o + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    });
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- reading the objects

  private static Map<String, Object> one(List<Map<String, Object>> objects, String kind, String name) {
    var found = objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(name(o))).toList();
    assertThat(found).as("one %s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  private static List<Map<String, Object>> workloads(List<Map<String, Object>> objects) {
    return objects.stream().filter(o -> Set.of("Deployment", "StatefulSet").contains(o.get("kind"))).toList();
  }

  private static Map<String, Object> podTemplate(List<Map<String, Object>> objects) {
    return podTemplate(objects, "kordon");
  }

  /** The pod template of the workload whose pods a Service of that name selects, or of that name. */
  private static Map<String, Object> podTemplate(List<Map<String, Object>> objects, String name) {
    return workloads(objects).stream().filter(w -> name.equals(name(w))).findFirst()
        .map(w -> map(w, "spec", "template")).orElseThrow(() -> new AssertionError("no workload " + name));
  }

  private static Map<String, Object> container(Map<String, Object> pod) {
    return maps(at(pod, "spec", "containers")).stream().filter(c -> "kordon".equals(c.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no container kordon"));
  }

  private static String env(Map<String, Object> container, String name) {
    return maps(container.get("env")).stream().filter(e -> name.equals(e.get("name")))
        .map(e -> (String) e.get("value")).findFirst().orElse(null);
  }

  /** The data of the ConfigMap the Kordon container takes its environment from. */
  private static Map<String, String> config(List<Map<String, Object>> objects) {
    var kordon = container(podTemplate(objects));
    String name = maps(kordon.get("envFrom")).stream().map(e -> (String) at(e, "configMapRef", "name"))
        .filter(Objects::nonNull).findFirst().orElseThrow();
    Map<String, Object> data = map(one(objects, "ConfigMap", name), "data");
    return data.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
  }

  /** A PromQL selector: the metric name and what is between its braces. */
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
  /** One label matcher inside the braces: label, operator, value. */
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "group_left",
      "group_right", "inf", "nan");
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
    return objects.stream().filter(o -> "PrometheusRule".equals(o.get("kind")))
        .flatMap(r -> maps(at(r, "spec", "groups")).stream())
        .flatMap(g -> maps(g.get("rules")).stream())
        .filter(r -> r.containsKey("alert")).toList();
  }

  private static String probe(Map<String, Object> container, String kind) {
    var get = map(container, kind, "httpGet");
    assertThat(get).as(kind).isNotEmpty();
    return get.get("path") + ":" + containerPort(Map.of("spec", Map.of("containers", List.of(container))), get.get("port"));
  }

  private static int containerPort(Map<String, Object> pod, Object port) {
    if (port instanceof Integer n) {
      return n;
    }
    for (var c : maps(at(pod, "spec", "containers"))) {
      for (var p : maps(c.get("ports"))) {
        if (port.equals(p.get("name"))) {
          return (Integer) p.get("containerPort");
        }
      }
    }
    throw new AssertionError("no container port " + port);
  }

  /** The container ports a Service reaches on the pods. */
  private static List<Integer> servicePorts(Map<String, Object> service, Map<String, Object> pod) {
    List<Integer> ports = new ArrayList<>();
    for (var p : maps(at(service, "spec", "ports"))) {
      int target = containerPort(pod, Objects.requireNonNullElse(p.get("targetPort"), p.get("port")));
      assertThat(p.get("port")).as("%s exposes the port it forwards to", name(service)).isEqualTo(target);
      ports.add(target);
    }
    return ports;
  }

  private static Set<Integer> ports(Map<String, Object> rule) {
    return maps(rule.get("ports")).stream().map(p -> (Integer) p.get("port")).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Map<String, Object> labels(Map<String, Object> pod) {
    return map(pod, "metadata", "labels");
  }

  private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
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

  private static double cpu(String quantity) {
    return quantity.endsWith("m") ? Integer.parseInt(quantity.substring(0, quantity.length() - 1)) / 1000.0
        : Double.parseDouble(quantity);
  }

  private static String name(Map<String, Object> object) {
    return str(object, "metadata", "name");
  }

  private static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  private static String str(Object node, String... path) {
    Object v = at(node, path);
    return v == null ? null : String.valueOf(v);
  }

  private static Boolean bool(Object node, String... path) {
    return (Boolean) at(node, path);
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }

  private static Map<String, Object> map(Object node, String... path) {
    Object v = at(node, path);
    return v instanceof Map<?, ?> m ? cast(m) : Map.of();
  }

  private static List<Object> list(Object v) {
    return v instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  private static List<Map<String, Object>> maps(Object v) {
    return list(v).stream().filter(Map.class::isInstance).map(x -> cast((Map<?, ?>) x)).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return u;
  }
}
