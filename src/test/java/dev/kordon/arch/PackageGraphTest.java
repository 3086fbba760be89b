package dev.kordon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package graph Kordon is read by: no cycles, only Main at the top, the dev stack fenced off. */
class PackageGraphTest {
    static JavaClasses kordon;

    @BeforeAll
    static void load() {
        kordon = MainClasses.kordon();
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
