package dev.kordon.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Where the peer comes from: Keycloak's own distribution, fetched once from Maven Central and
 * unpacked under load/target/peer (never committed), and the JDK it needs, apart from Kordon's.
 */
final class KeycloakDistribution {
    private static final String VERSION = KeycloakPeer.VERSION;

    private KeycloakDistribution() {}

    /** The JDK for Keycloak only (26.x wants 21 or later; Kordon stays on the default 17). */
    static Path javaHome() {
        String configured = System.getenv("KEYCLOAK_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(p -> p.getFileName().toString().matches("(temurin|java)-(2[1-9]|[3-9][0-9]).*"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IllegalStateException(
                            "no JDK 21+ under /usr/lib/jvm for Keycloak; set KEYCLOAK_JAVA_HOME"));
        } catch (IOException e) {
            throw new IllegalStateException("no /usr/lib/jvm: set KEYCLOAK_JAVA_HOME", e);
        }
    }

    /** The unpacked distribution, fetched once from Maven Central through Maven and kept in load/target/peer. */
    static Path home() throws Exception {
        Path dir = Path.of("load/target/peer").toAbsolutePath();
        Path home = dir.resolve("keycloak-" + VERSION);
        if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Files.createDirectories(dir);
        Path zip = dir.resolve("keycloak-quarkus-dist-" + VERSION + ".zip");
        if (!Files.exists(zip)) {
            System.out.println("peer: fetching org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip through Maven");
            Process p = new ProcessBuilder(
                            "./mvnw",
                            "-q",
                            "-f",
                            "load/pom.xml",
                            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
                            "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip",
                            "-DoutputDirectory=" + dir)
                    .inheritIO()
                    .start();
            if (p.waitFor() != 0 || !Files.exists(zip)) {
                throw new IllegalStateException(
                        "could not fetch Keycloak " + VERSION + " (exit " + p.exitValue() + ")");
            }
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path to = dir.resolve(e.getName()).normalize();
                if (!to.startsWith(dir)) {
                    throw new IllegalStateException("zip entry outside its folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return home;
    }
}
