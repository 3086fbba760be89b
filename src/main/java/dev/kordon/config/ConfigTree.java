package dev.kordon.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The YAML file flattened to dotted paths, with {@code KORDON_*} environment variables applied on
 * top. Typed getters turn a bad value into a {@link ConfigException} naming the key and variable.
 */
public final class ConfigTree {
    public static final String ENV_PREFIX = "KORDON_";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final Map<String, Object> values;
    /** The keys looked up so far: a key nothing reads is a setting that silently does nothing. */
    private final Set<String> read = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ConfigTree(Map<String, Object> values) {
        this.values = values;
    }

    /** Reads {@code file} (or the built-in defaults when null) and applies {@code env}. */
    public static ConfigTree load(Path file, Map<String, String> env) {
        Map<String, Object> flat = new LinkedHashMap<>();
        try (InputStream in = file != null ? Files.newInputStream(file) : defaults()) {
            Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8);
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (root != null && !(root instanceof Map)) {
                throw new ConfigException("configuration file " + file + " must be a YAML mapping");
            }
            flatten("", root == null ? Map.of() : (Map<?, ?>) root, flat);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            // The parser's own message quotes the offending line, which may hold a password: where and what only.
            var mark = e.getProblemMark();
            throw new ConfigException("configuration file " + file + " is not valid YAML: " + e.getProblem()
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1)));
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new ConfigException("configuration file " + file + " is not valid YAML");
        }
        ConfigTree tree = new ConfigTree(flat);
        tree.applyEnv(env);
        return tree;
    }

    private static InputStream defaults() throws IOException {
        Path conf = Path.of("conf", "kordon.yaml");
        if (Files.isRegularFile(conf)) {
            return Files.newInputStream(conf);
        }
        InputStream in = ConfigTree.class.getResourceAsStream("/conf/kordon.yaml");
        if (in == null) {
            throw new IOException("no conf/kordon.yaml and no built-in defaults");
        }
        return in;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    /** The environment variable that overrides a key: http.port → KORDON_HTTP_PORT. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void applyEnv(Map<String, String> env) {
        Set<String> unknown = new TreeSet<>();
        Map<String, String> byEnv = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            byEnv.put(envName(key), key);
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = byEnv.get(e.getKey());
            if (key == null) {
                unknown.add(e.getKey());
                continue;
            }
            Object current = values.get(key);
            values.put(key, current instanceof List ? splitList(e.getValue()) : e.getValue());
        }
        if (!unknown.isEmpty()) {
            System.getLogger("dev.kordon.config")
                    .log(
                            System.Logger.Level.WARNING,
                            "ignoring environment variables that name no configuration key: " + unknown);
        }
    }

    private static List<Object> splitList(String raw) {
        List<Object> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** Returns a copy with one key replaced (dev mode and tests point Kordon at their own servers). */
    public ConfigTree with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new ConfigTree(copy);
    }

    public Set<String> keys() {
        return values.keySet();
    }

    /** Keys of the file and environment that no lookup has asked for yet. */
    public Set<String> unread() {
        Set<String> out = new java.util.TreeSet<>(values.keySet());
        out.removeAll(read);
        return out;
    }

    private Object raw(String key) {
        read.add(key);
        if (!values.containsKey(key)) {
            throw new ConfigException("missing configuration key " + key + " (" + envName(key) + ")");
        }
        return values.get(key);
    }

    private ConfigException bad(String key, String expected) {
        return new ConfigException(
                "bad value for " + key + " (" + envName(key) + "): expected " + expected + ", got " + shown(key));
    }

    /**
     * The value as an error may show it: a secret (a token, key or password) only by its length,
     * and a URL without its credentials. The message goes to stderr, and a wrong secret is still
     * usually close to the right one.
     */
    private String shown(String key) {
        String value = String.valueOf(values.get(key));
        if (key.matches(".*(token|keys?|password|secret)")) {
            return "a value of " + value.length() + " characters (withheld)";
        }
        return "'" + value.replaceAll("//[^/@\\s]*@", "//***@") + "'";
    }

    public String string(String key) {
        Object v = raw(key);
        return v == null ? "" : v.toString().trim();
    }

    public String nonEmpty(String key) {
        String v = string(key);
        if (v.isEmpty()) {
            throw bad(key, "a non-empty value");
        }
        return v;
    }

    public int integer(String key, int min, int max) {
        Object v = raw(key);
        try {
            int i = v instanceof Number n
                    ? n.intValue()
                    : Integer.parseInt(String.valueOf(v).trim());
            if (i < min || i > max) {
                throw bad(key, "an integer from " + min + " to " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw bad(key, "an integer from " + min + " to " + max);
        }
    }

    public boolean bool(String key) {
        Object v = raw(key);
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw bad(key, "true or false");
        };
    }

    public Duration duration(String key) {
        String s = string(key);
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw bad(key, "a duration such as 500ms, 30s, 15m, 12h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return d;
    }

    public Duration positiveDuration(String key) {
        Duration d = duration(key);
        if (d.isZero()) {
            throw bad(key, "a duration above zero");
        }
        return d;
    }

    public List<String> list(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            return splitList(v.toString()).stream().map(Object::toString).toList();
        }
        return l.stream()
                .map(o -> String.valueOf(o).trim())
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /**
     * A list of mappings, each as the file wrote it (nested lists and values unconverted), for
     * settings whose entries are records of their own ({@code oidc.clients}); an empty list when unset.
     */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> entries(String key) {
        Object v = raw(key);
        if (v == null || (v instanceof String s && s.isBlank())) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || !l.stream().allMatch(e -> e instanceof Map<?, ?>)) {
            throw bad(key, "a list of mappings");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object e : l) {
            out.add(java.util.Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) e)));
        }
        return List.copyOf(out);
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String s = string(key).toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw bad(key, "one of " + names);
    }

    /** Names directly below a key: children("categories") → [mobile, internet]. */
    public List<String> children(String key) {
        List<String> out = new ArrayList<>();
        String prefix = key + ".";
        for (String k : values.keySet()) {
            if (k.startsWith(prefix)) {
                String child = k.substring(prefix.length()).split("\\.")[0];
                if (!out.contains(child)) {
                    out.add(child);
                }
            }
        }
        return out;
    }

    public ConfigException error(String key, String expected) {
        return bad(key, expected);
    }
}
