package dev.kordon.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vert.x internals: each one allowed by name, with what upstream would let it go. */
class VertxInternalsTest {
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

    static JavaClasses kordon;

    @BeforeAll
    static void load() {
        kordon = MainClasses.kordon();
    }

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
}
