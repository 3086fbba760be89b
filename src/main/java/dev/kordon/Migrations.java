package dev.kordon;

import dev.kordon.config.KordonConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.flywaydb.core.Flyway;

/** The schema: Flyway's migrations (src/main/resources/db/migration), for the server and the command line. */
final class Migrations {
    private Migrations() {}

    /** Flyway over JDBC, once, before anything serves; a blocking call, so never on an event loop. */
    static Integer apply(KordonConfig.Pg pg) {
        return apply(pg, 5);
    }

    /** The same with {@code retries} connection attempts more: the command line answers at once. */
    static Integer apply(KordonConfig.Pg pg, int retries) {
        URI uri = URI.create(pg.url().replaceFirst("^postgres(ql)?://", "http://"));
        String user = "";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432)
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return Flyway.configure()
                .dataSource(jdbc, user, password)
                .locations("classpath:db/migration")
                .connectRetries(retries)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
