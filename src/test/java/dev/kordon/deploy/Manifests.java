package dev.kordon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests as {@code kubectl kustomize} renders each overlay on a fresh checkout,
 * with nothing created first, parsed once per run; and the readers the manifest tests share.
 */
final class Manifests {
    static final Path OVERLAYS = Path.of("k8s", "overlays");
    private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    private Manifests() {}

    /** kubectl on the PATH, or the tests skipped; a failure instead in CI or with KORDON_REQUIRE_KUBECTL=true. */
    static void requireKubectl() {
        boolean present;
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true)
                    .start();
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
            throw new IllegalStateException(
                    "kubectl is required to check the manifests (CI or KORDON_REQUIRE_KUBECTL=true)");
        }
        Assumptions.assumeTrue(present, "the manifest tests need kubectl (kubectl kustomize); skipped without it");
    }

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    // ---- rendering

    static List<Map<String, Object>> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                Process p = new ProcessBuilder(
                                "kubectl", "kustomize", OVERLAYS.resolve(o).toString())
                        .start();
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
                    throw new AssertionError(
                            "kubectl kustomize " + o + " failed: " + err.toString(StandardCharsets.UTF_8));
                }
                List<Map<String, Object>> objects = new ArrayList<>();
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions()))
                        .loadAll(out.toString(StandardCharsets.UTF_8))) {
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

    static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- reading the objects

    static Map<String, Object> one(List<Map<String, Object>> objects, String kind, String name) {
        var found = objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(name(o)))
                .toList();
        assertThat(found).as("one %s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    static List<Map<String, Object>> workloads(List<Map<String, Object>> objects) {
        return objects.stream()
                .filter(o -> Set.of("Deployment", "StatefulSet").contains(o.get("kind")))
                .toList();
    }

    static Map<String, Object> podTemplate(List<Map<String, Object>> objects) {
        return podTemplate(objects, "kordon");
    }

    /** The pod template of the workload whose pods a Service of that name selects, or of that name. */
    static Map<String, Object> podTemplate(List<Map<String, Object>> objects, String name) {
        return workloads(objects).stream()
                .filter(w -> name.equals(name(w)))
                .findFirst()
                .map(w -> map(w, "spec", "template"))
                .orElseThrow(() -> new AssertionError("no workload " + name));
    }

    static Map<String, Object> container(Map<String, Object> pod) {
        return maps(at(pod, "spec", "containers")).stream()
                .filter(c -> "kordon".equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container kordon"));
    }

    static String env(Map<String, Object> container, String name) {
        return maps(container.get("env")).stream()
                .filter(e -> name.equals(e.get("name")))
                .map(e -> (String) e.get("value"))
                .findFirst()
                .orElse(null);
    }

    /** The data of the ConfigMap the Kordon container takes its environment from. */
    static Map<String, String> config(List<Map<String, Object>> objects) {
        var kordon = container(podTemplate(objects));
        String name = maps(kordon.get("envFrom")).stream()
                .map(e -> (String) at(e, "configMapRef", "name"))
                .filter(Objects::nonNull)
                .findFirst()
                .orElseThrow();
        Map<String, Object> data = map(one(objects, "ConfigMap", name), "data");
        return data.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }

    static String probe(Map<String, Object> container, String kind) {
        var get = map(container, kind, "httpGet");
        assertThat(get).as(kind).isNotEmpty();
        return get.get("path") + ":"
                + containerPort(Map.of("spec", Map.of("containers", List.of(container))), get.get("port"));
    }

    static int containerPort(Map<String, Object> pod, Object port) {
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
    static List<Integer> servicePorts(Map<String, Object> service, Map<String, Object> pod) {
        List<Integer> ports = new ArrayList<>();
        for (var p : maps(at(service, "spec", "ports"))) {
            int target = containerPort(pod, Objects.requireNonNullElse(p.get("targetPort"), p.get("port")));
            assertThat(p.get("port"))
                    .as("%s exposes the port it forwards to", name(service))
                    .isEqualTo(target);
            ports.add(target);
        }
        return ports;
    }

    static Set<Integer> ports(Map<String, Object> rule) {
        return maps(rule.get("ports")).stream()
                .map(p -> (Integer) p.get("port"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Map<String, Object> labels(Map<String, Object> pod) {
        return map(pod, "metadata", "labels");
    }

    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static double cpu(String quantity) {
        return quantity.endsWith("m")
                ? Integer.parseInt(quantity.substring(0, quantity.length() - 1)) / 1000.0
                : Double.parseDouble(quantity);
    }

    static String name(Map<String, Object> object) {
        return str(object, "metadata", "name");
    }

    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static String str(Object node, String... path) {
        Object v = at(node, path);
        return v == null ? null : String.valueOf(v);
    }

    static Boolean bool(Object node, String... path) {
        return (Boolean) at(node, path);
    }

    static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    static Map<String, Object> map(Object node, String... path) {
        Object v = at(node, path);
        return v instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    static List<Object> list(Object v) {
        return v instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    static List<Map<String, Object>> maps(Object v) {
        return list(v).stream()
                .filter(Map.class::isInstance)
                .map(x -> cast((Map<?, ?>) x))
                .toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
