package dev.kordon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static dev.kordon.arch.MainClasses.MAIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import dev.kordon.store.LuaScript;
import dev.kordon.store.Scripts;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One Redis schema: every key name spelled in store/Keys only, every Lua script loaded once, in store/Scripts. */
class RedisKeysAndScriptsTest {
    static final Path KEYS = MAIN.resolve("dev/kordon/store/Keys.java");
    /** The opening of a Redis Cluster hash tag as Kordon writes them: {a:…}, {l:…}, {ip:…}, {sms}:. */
    static final Pattern HASH_TAG = Pattern.compile("\\{[a-z]+(:|\\}:)");
    /** Key parts that are plain words elsewhere too: "sms" is also a message kind, a channel and an amr. */
    static final Set<String> ALSO_PLAIN_WORDS = Set.of("sms");

    static JavaClasses kordon;

    @BeforeAll
    static void load() {
        kordon = MainClasses.kordon();
    }

    /** One Redis key schema: a key name spelled in a second place drifts from the first. */
    @Test
    void noClassButKeysSpellsARedisKey() throws IOException {
        Set<String> parts = keyParts();
        assertThat(parts).as("the key parts read from Keys.java").contains("chg:", "tmp", "smsfail", ":dead");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.equals(KEYS))
                    .sorted()
                    .toList()) {
                for (String literal : keyLiterals(Files.readString(file), parts)) {
                    found.add(MAIN.relativize(file) + ": \"" + literal + "\"");
                }
            }
        }
        assertThat(found).as("Redis key names spelled outside store/Keys.java").isEmpty();
    }

    /** The scan above finds what it is for, and not what only looks like it. */
    @Test
    void theKeyScanFindsKeyPartsInCodeOnly() throws IOException {
        Set<String> parts = keyParts();
        assertThat(keyLiterals("class A { String k = redis.tag(a) + \"chg:\" + jti; }", parts))
                .containsExactly("chg:");
        assertThat(keyLiterals("class A { String k = stream + \":dead\", t = tag + \":tmp\"; }", parts))
                .containsExactly(":dead", ":tmp");
        assertThat(keyLiterals("class A { String k = p + \":{l:\" + c + \":\" + l + \"}:smsfail\"; }", parts))
                .containsExactly(":{l:", "}:smsfail");
        assertThat(keyLiterals("class A { String k = \"kordon:{ip:\" + ip; }", parts))
                .containsExactly("kordon:{ip:");
        assertThat(keyLiterals("""
        /** Kept at {@code {a:<id>}:chg:<jti>}, see "chg:". */
        class A {
          // "tmp" and ":dead"
          char q = '"';
          String kind = "sms", route = "/admin/v1/accounts/{category}/{login}", log = "outbox: message ";
          String quoted = "say \\"chg:\\"";
        }""", parts)).isEmpty();
    }

    /** One instance per Lua script: a second would load and hash the same file again. */
    @Test
    void onlyScriptsLoadsALuaScript() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Scripts.class.getName())
                .should()
                .callMethod(LuaScript.class, "load", String.class)
                .check(kordon);
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(LuaScript.class.getName())
                .should()
                .callConstructorWhere(DescribedPredicate.describe(
                        "a LuaScript constructor",
                        call -> call.getTarget().getOwner().isEquivalentTo(LuaScript.class)))
                .check(kordon);
    }

    @Test
    void scriptsHoldsEveryLuaFileOnce() throws Exception {
        List<String> held = new ArrayList<>();
        for (Field f : Scripts.class.getFields()) {
            if (f.getType() == LuaScript.class) {
                held.add(((LuaScript) f.get(null)).name());
            }
        }
        List<String> files;
        try (Stream<Path> lua = Files.list(Path.of("src/main/resources/lua"))) {
            files = lua.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".lua"))
                    .toList();
        }
        assertThat(held).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(files);
    }

    /** Every string literal of Keys.java that holds a letter: the names and parts of the keys. */
    static Set<String> keyParts() throws IOException {
        Set<String> parts = new LinkedHashSet<>();
        for (String literal : literals(Files.readString(KEYS))) {
            if (literal.chars().anyMatch(Character::isLetter)) {
                parts.add(literal);
            }
        }
        return parts;
    }

    /** The literals of {@code source} that spell a key: a hash tag, a key part, or a part with its colons moved. */
    static List<String> keyLiterals(String source, Set<String> parts) {
        Set<String> cores = new LinkedHashSet<>();
        parts.forEach(p -> cores.add(core(p)));
        List<String> hits = new ArrayList<>();
        for (String literal : literals(source)) {
            boolean part = parts.contains(literal) && !ALSO_PLAIN_WORDS.contains(literal);
            boolean moved = !core(literal).equals(literal) && !core(literal).isEmpty() && cores.contains(core(literal));
            if (HASH_TAG.matcher(literal).find() || part || moved) {
                hits.add(literal);
            }
        }
        return hits;
    }

    /** A literal without the separators it may carry to either side of a key part ("}:", ":"). */
    private static String core(String literal) {
        return literal.replaceAll("^[:}]+|[:{]+$", "");
    }

    /** The string literals of Java source, comments skipped, escapes left as written. */
    static List<String> literals(String source) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                out.add(source.substring(i + 3, end < 0 ? n : end));
                i = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    out.add(source.substring(i + 1, Math.min(j, n)));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
