package dev.kordon;

import dev.kordon.config.KordonConfig;
import dev.kordon.dispatch.Resealer;
import dev.kordon.guard.Secrets;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.operator.Operators;
import dev.kordon.store.Database;
import dev.kordon.store.Postgres;
import dev.kordon.store.RedisStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code reseal}: after a new key went first into {@code secrets.keys}, seals the outbox, the
 * dead letters and the authenticator apps' secrets again under it, so the old key can be removed without losing a message. Safe while
 * instances run and safe to repeat; it prints what it did.
 */
final class Reseal {
    static final String COMMAND = "reseal";

    private Reseal() {}

    /** The authenticator apps' secrets, the accounts' and the console operators', in Postgres, sealed again the same way. */
    private static SecondFactors.Resealed[] totpSecrets(Vertx vertx, KordonConfig config) throws Exception {
        Pool pg = Postgres.pool(vertx, config.pg());
        try {
            Database db = new Database(pg, config.pg().queryTimeout());
            Secrets secrets = new Secrets(config.secretKeys());
            return new SecondFactors.Resealed[] {
                new SecondFactors(db, secrets)
                        .reseal()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.MINUTES),
                new Operators(db, secrets)
                        .reseal()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.MINUTES)
            };
        } finally {
            pg.close();
        }
    }

    static int run(KordonConfig config, PrintStream out, PrintStream err) {
        Vertx vertx = Vertx.vertx();
        RedisStore redis = RedisStore.create(vertx, config.redis());
        try {
            Resealer.Report report = new Resealer(
                            redis,
                            new Secrets(config.secretKeys()),
                            config.dispatch().claimAfter())
                    .run()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.MINUTES);
            out.println("outbox: " + report.outbox());
            out.println("dead letters: " + report.deadLetters());
            SecondFactors.Resealed[] totp = totpSecrets(vertx, config);
            out.println("authenticator secrets: " + totp[0]);
            out.println("operators' authenticator secrets: " + totp[1]);
            if (report.outbox().complete()
                    && report.deadLetters().complete()
                    && totp[0].unopened() == 0
                    && totp[1].unopened() == 0) {
                return Cli.OK;
            }
            err.println("kordon: not everything is under the newest key yet: run reseal again in "
                    + config.dispatch().claimAfter().toSeconds() + " s; entries no listed key opens stay as they are");
            return Cli.LEFT_BEHIND;
        } catch (Exception e) {
            err.println("kordon: reseal failed (Redis or Postgres): " + Cli.rootMessage(e));
            return Cli.FAILED;
        } finally {
            try {
                redis.close()
                        .transform(ar -> vertx.close())
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Exiting anyway: the answer is already decided.
            }
        }
    }
}
