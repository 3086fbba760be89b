package dev.kordon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.kordon.store.LuaScript;
import dev.kordon.store.Scripts;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package graph Kordon is read by: no cycles, only Main at the top, the dev stack fenced off. */
class ArchitectureTest {
    static final Path MAIN = Path.of("src/main/java");
    static final Path KEYS = MAIN.resolve("dev/kordon/store/Keys.java");
    /** The opening of a Redis Cluster hash tag as Kordon writes them: {a:…}, {l:…}, {ip:…}, {sms}:. */
    static final Pattern HASH_TAG = Pattern.compile("\\{[a-z]+(:|\\}:)");
    /** Key parts that are plain words elsewhere too: "sms" is also a message kind, a channel and an amr. */
    static final Set<String> ALSO_PLAIN_WORDS = Set.of("sms");

    /**
     * No constructor takes more than five parameters: a class with more does too much, or takes its
     * collaborators one by one where a group by purpose would do (flow.Grants, flow.Guards,
     * flow.Notices, flow.Subscribers, server.Edge). Records are exempt: their constructor is their
     * list of components, whether they are data (an account, the configuration) or such a group.
     */
    static final int MAX_PARAMETERS = 5;

    static final ArchRule AT_MOST_FIVE_PARAMETERS = constructors()
            .that()
            .areDeclaredInClassesThat()
            .resideInAPackage("dev.kordon..")
            .and()
            .areDeclaredInClassesThat(DescribedPredicate.describe("are not records", c -> !c.isRecord()))
            .should(new ArchCondition<JavaConstructor>("take at most " + MAX_PARAMETERS + " parameters") {
                @Override
                public void check(JavaConstructor constructor, ConditionEvents events) {
                    int n = constructor.getRawParameterTypes().size();
                    if (n > MAX_PARAMETERS) {
                        events.add(SimpleConditionEvent.violated(
                                constructor, constructor.getFullName() + " takes " + n + " parameters"));
                    }
                }
            });

    static JavaClasses kordon;

    @BeforeAll
    static void load() {
        kordon = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kordon");
    }

    @Test
    void thePackagesOfKordonHaveNoCycle() {
        slices().matching("dev.kordon.(*)..").should().beFreeOfCycles().check(kordon);
    }

    @Test
    void nothingDependsOnTheRootPackageWhereMainWiresEverything() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.kordon")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.kordon")
                .check(kordon);
    }

    // ---- sizes a reader can hold in mind

    static final int MAX_FILES_PER_PACKAGE = 15;
    static final int MAX_LINES_PER_PACKAGE = 1_500;
    static final int MAX_LINES_PER_CLASS = 350;

    /** A package past these sizes does more than one thing; a class past them wants its seam found. */
    @Test
    void noPackageOverFifteenFilesOrFifteenHundredLinesAndNoClassOverThreeHundredFifty() throws IOException {
        List<String> over = new ArrayList<>();
        java.util.Map<Path, List<Path>> packages;
        try (Stream<Path> files = Files.walk(MAIN.resolve("dev/kordon"))) {
            packages = files.filter(f -> f.toString().endsWith(".java"))
                    .collect(java.util.stream.Collectors.groupingBy(
                            Path::getParent, java.util.TreeMap::new, java.util.stream.Collectors.toList()));
        }
        assertThat(packages).as("the packages read").hasSizeGreaterThan(10);
        for (var e : packages.entrySet()) {
            long total = 0;
            for (Path file : e.getValue()) {
                long lines = Files.readAllLines(file).size();
                total += lines;
                if (lines > MAX_LINES_PER_CLASS) {
                    over.add(MAIN.relativize(file) + ": " + lines + " lines");
                }
            }
            if (e.getValue().size() > MAX_FILES_PER_PACKAGE || total > MAX_LINES_PER_PACKAGE) {
                over.add(MAIN.relativize(e.getKey()) + ": " + e.getValue().size() + " files, " + total + " lines");
            }
        }
        assertThat(over).isEmpty();
    }

    // ---- Vert.x internals: each one allowed by name, with what upstream would let it go

    /**
     * The classes of Vert.x's {@code impl} and {@code internal} packages Kordon may touch, and why;
     * none other. Each can change in any release, so each is a place to look first on an upgrade.
     */
    static final Map<String, String> VERTX_INTERNALS = Map.of(
            // server/Connections closes the listening socket first on shutdown; Netty's channel left the
            // public API in https://github.com/eclipse-vertx/vert.x/pull/4791 and the HTTP connection SPI
            // (https://github.com/eclipse-vertx/vert.x/pull/5755) is where a public handle would come.
            "io.vertx.core.net.impl.ConnectionBase", "server/Connections: the listener's channel",
            // ops/RequestScope keeps the request id on the duplicated context: isDuplicate() lives on
            // ContextInternal only (https://github.com/eclipse-vertx/vert.x/pull/4277); ContextLocal became
            // API in https://github.com/eclipse-vertx/vert.x/pull/5506. store/ClusterRouter runs its
            // replies on the context it was made on.
            "io.vertx.core.internal.ContextInternal", "ops/RequestScope, store/ClusterRouter",
            // api/ApiValidation validates the body BodyHandler already parsed, once; the public route reads
            // it again (https://github.com/eclipse-vertx/vertx-openapi/pull/10 added a body supplier only).
            "io.vertx.openapi.validation.impl.RequestValidatorImpl", "api/ApiValidation",
            "io.vertx.openapi.validation.impl.RequestParameterImpl", "api/ApiValidation",
            "io.vertx.openapi.validation.impl.ValidatableRequestImpl", "api/ApiValidation",
            // store/ClusterRouter picks the node by a key's slot; exposing that is
            // https://github.com/vert-x3/vertx-redis-client/issues/450.
            "io.vertx.redis.client.impl.RequestImpl", "store/ClusterRouter: a request's keys",
            "io.vertx.redis.client.impl.ZModem", "store/ClusterRouter: a key's slot",
            // store/Outage and ClusterRouter read a Redis error's kind (MOVED, ASK, LOADING, CLUSTERDOWN);
            // the client itself matches on ErrorType (https://github.com/vert-x3/vertx-redis-client/issues/158)
            // and has no public type for it.
            "io.vertx.redis.client.impl.types.ErrorType", "store/Outage, store/ClusterRouter: a Redis error's kind");

    @Test
    void onlyTheVertxInternalsAllowedByNameAreUsed() {
        noClasses()
                .that()
                .resideInAPackage("dev.kordon..")
                .should()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "are Vert.x internals not allowed by name",
                        c -> c.getPackageName().startsWith("io.vertx.")
                                && (c.getPackageName().contains(".impl")
                                        || c.getPackageName().contains(".internal"))
                                && !VERTX_INTERNALS.containsKey(c.getName())))
                .check(kordon);
    }

    /** An allowance nothing uses any more comes off the list. */
    @Test
    void everyAllowedVertxInternalIsStillUsed() {
        Set<String> used = new java.util.TreeSet<>();
        kordon.forEach(c -> c.getDirectDependenciesFromSelf()
                .forEach(d -> used.add(d.getTargetClass().getName())));
        assertThat(used).containsAll(VERTX_INTERNALS.keySet());
    }

    // ---- the web side: server is what the others stand on; each face keeps to its own

    static final String SERVER = "dev.kordon.server..";
    static final String API = "dev.kordon.api..";
    static final String PAGE = "dev.kordon.page..";
    static final String CONSOLE = "dev.kordon.console..";
    static final String GATE = "dev.kordon.gate..";

    /** The verticles, connections and problem+json are handed their routes; they know no face. */
    @Test
    void theServerKnowsNoneOfTheFacesItServes() {
        noClasses()
                .that()
                .resideInAPackage(SERVER)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(API, PAGE, CONSOLE, GATE)
                .check(kordon);
    }

    /** The JSON API answers in JSON only: no page, no console, no proxy. */
    @Test
    void theApiDrawsOnNoOtherFace() {
        noClasses()
                .that()
                .resideInAPackage(API)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PAGE, CONSOLE, GATE)
                .check(kordon);
    }

    @Test
    void thePagesDrawOnNoOtherFace() {
        noClasses()
                .that()
                .resideInAPackage(PAGE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(API, CONSOLE, GATE)
                .check(kordon);
    }

    /** The console is drawn like the pages (their views, CSRF, models) and uses nothing else of the faces. */
    @Test
    void theConsoleBorrowsOnlyThePagesLook() {
        noClasses()
                .that()
                .resideInAPackage(CONSOLE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(API, GATE)
                .check(kordon);
    }

    /** Forward-auth and the portal proxy ask the pages only who is signed in and where a sign-in may return. */
    @Test
    void theGateBorrowsOnlyThePagesSession() {
        noClasses()
                .that()
                .resideInAPackage(GATE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(API, CONSOLE)
                .check(kordon);
    }

    /** The command line runs the admin flow itself: it never goes through a port's routes. */
    @Test
    void theCommandLineDependsOnFlowsNeverOnTheWeb() {
        noClasses()
                .that()
                .haveFullyQualifiedName("dev.kordon.Cli")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SERVER, API, PAGE, CONSOLE, GATE)
                .check(kordon);
    }

    @Test
    void errorsAndTextsDependOnNothingElseOfKordon() {
        noClasses()
                .that()
                .resideInAPackage("dev.kordon.problem..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.kordon.problem..", "java..")
                .check(kordon);
    }

    @Test
    void noConstructorTakesMoreThanFiveParameters() {
        AT_MOST_FIVE_PARAMETERS.check(kordon);
    }

    /** The rule above fails a class with a sixth parameter, and lets a record of six pass. */
    @Test
    void theConstructorRuleFailsASixthParameter() {
        JavaClasses wide = new ClassFileImporter().importClasses(Six.class, Five.class, SixComponents.class);
        EvaluationResult result = AT_MOST_FIVE_PARAMETERS.evaluate(wide);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .hasSize(1)
                .first()
                .asString()
                .contains(Six.class.getName())
                .contains("takes 6 parameters");
    }

    static final class Six {
        Six(int a, int b, int c, int d, int e, int f) {}
    }

    static final class Five {
        Five(int a, int b, int c, int d, int e) {}
    }

    record SixComponents(int a, int b, int c, int d, int e, int f) {}

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

    @Test
    void onlyDevModeTouchesTheEmbeddedServersWhichTheImageDoesNotCarry() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.kordon.dev..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.zonky..", "redis.embedded..", "com.icegreen..", "jakarta.mail..")
                .check(kordon);
        // Everything else reaches dev mode through DevMode, whose start checks that the servers are there.
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.kordon.dev..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.kordon.dev.DevStack")
                .check(kordon);
    }
}
