package dev.kordon.load;

import java.nio.file.Path;
import java.util.Map;

/**
 * The peer's run, with Kordon stopped: Keycloak in dev mode, same Argon2id (checked on a stored
 * credential before any figure counts), the same closed-loop storms against its token endpoint.
 */
final class KeycloakStorms {
    private final Settings cfg;
    private final Path outDir;
    private final Resources open;

    KeycloakStorms(Settings cfg, Path outDir, Resources open) {
        this.cfg = cfg;
        this.outDir = outDir;
        this.open = open;
    }

    void run(int memoryKib, int iterations, ReportBlock block) throws Exception {
        Path home = KeycloakDistribution.home();
        Path log = outDir.resolve("keycloak.log");
        System.out.println("peer: starting Keycloak " + KeycloakPeer.VERSION + " (JAVA_HOME "
                + KeycloakDistribution.javaHome() + ")");
        try (KeycloakPeer kc =
                        KeycloakPeer.start(home, Stack.freePort(), Stack.freePort(), memoryKib, iterations, log);
                RssSampler rss = new RssSampler(kc.jvmPid())) {
            open.remember(kc); // stopped by the shutdown hook too, should the run be interrupted
            int users = cfg.smoke() ? 50 : 300;
            String credential = kc.setUp(users, Pool.PASSWORD);
            boolean same = KeycloakPeer.matches(credential, memoryKib, iterations);
            block.storms.keycloak(KeycloakPeer.VERSION, users, credential, same, log);
            if (!same) {
                throw new IllegalStateException("Keycloak stored a credential with other parameters: " + credential);
            }
            Map<String, String> env = Map.of(
                    "STORM_TARGET",
                    "keycloak",
                    "STORM_PATH",
                    kc.tokenPath(),
                    "STORM_ACCOUNTS",
                    "" + users,
                    "STORM_PASSWORD",
                    Pool.PASSWORD,
                    "STORM_CLIENT",
                    KeycloakPeer.CLIENT,
                    "STORM_USER_PREFIX",
                    KeycloakPeer.USER_PREFIX);
            for (int clients : cfg.stormClients()) {
                Wrk.Result r = Wrk.run(
                        "keycloak storm " + clients + " clients",
                        kc.baseUrl,
                        "signin.lua",
                        cfg.wrkThreads(),
                        clients,
                        cfg.stormSeconds(),
                        env);
                if (!kc.process.isAlive()) {
                    throw new IllegalStateException("Keycloak died during the storm:\n" + kc.tail(30));
                }
                block.storms.storm("Keycloak", clients, r, rss.peakMb(r.startMs(), r.endMs()));
            }
        }
        System.out.println("peer: Keycloak stopped");
    }
}
