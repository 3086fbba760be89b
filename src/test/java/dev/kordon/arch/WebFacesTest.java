package dev.kordon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web side: server is what the others stand on; each face keeps to its own. */
class WebFacesTest {
    static final String SERVER = "dev.kordon.server..";
    static final String API = "dev.kordon.api..";
    static final String PAGE = "dev.kordon.page..";
    static final String CONSOLE = "dev.kordon.console..";
    static final String GATE = "dev.kordon.gate..";
    static final String OIDC = "dev.kordon.oidc..";

    static JavaClasses kordon;

    @BeforeAll
    static void load() {
        kordon = MainClasses.kordon();
    }

    /** The verticles, connections and problem+json are handed their routes; they know no face. */
    @Test
    void theServerKnowsNoneOfTheFacesItServes() {
        noClasses()
                .that()
                .resideInAPackage(SERVER)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(API, PAGE, CONSOLE, GATE, OIDC)
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

    /** The OpenID Connect face stands on the server alone: no page, API, console or proxy of the others. */
    @Test
    void theOpenIdConnectFaceDrawsOnNoOtherFace() {
        noClasses()
                .that()
                .resideInAPackage(OIDC)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(API, PAGE, CONSOLE, GATE)
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
                .resideInAnyPackage(SERVER, API, PAGE, CONSOLE, GATE, OIDC)
                .check(kordon);
    }
}
