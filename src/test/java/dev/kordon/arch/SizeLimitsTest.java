package dev.kordon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static dev.kordon.arch.MainClasses.MAIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sizes a reader can hold in mind: of a package, of a class (the code's and the tests'), of a constructor's list. */
class SizeLimitsTest {
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
        kordon = MainClasses.kordon();
    }

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

    /** Kordon's tests and the benchmark's. */
    static final List<Path> TEST_SOURCES = List.of(Path.of("src/test/java"), Path.of("load/src/test/java"));

    /** Tests are read as the code is: a test class past the same size wants its seam found too. */
    @Test
    void noTestClassOverThreeHundredFifty() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path root : TEST_SOURCES) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(f -> f.toString().endsWith(".java"))
                        .sorted()
                        .toList();
            }
            assertThat(files).as("the test classes read under " + root).isNotEmpty();
            for (Path file : files) {
                long lines = Files.readAllLines(file).size();
                if (lines > MAX_LINES_PER_CLASS) {
                    over.add(file + ": " + lines + " lines");
                }
            }
        }
        assertThat(over).isEmpty();
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
}
