package dev.kordon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process through {@link Cli#run}, against the Postgres and Redis of a running Kordon. */
class CliTest {
    static final String PASSWORD = "Cli-test-passw0rd-1";
    static Rig rig;

    @TempDir
    Path dir;

    @BeforeAll
    static void up() {
        rig = Rig.start();
        dev.kordon.support.LogCapture.secret(PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** The running Kordon's database and Redis key space, as KORDON_* variables. */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KORDON_PG_URL", rig.config.pg().url());
        env.put("KORDON_REDIS_URL", dev.kordon.support.TestServers.redisUrl());
        env.put("KORDON_REDIS_KEY_PREFIX", rig.prefix);
        env.put("KORDON_ADMIN_TOKEN", Rig.ADMIN_TOKEN);
        env.put("KORDON_JWT_KEYS_DIR", "unused");
        env.put("KORDON_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        return env;
    }

    record Ran(int code, String out, String err) {}

    static Ran run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--conf";
        all[1] = "conf/kordon.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Cli.run(
                all,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void migrateSucceedsOnAMigratedDatabaseAndFailsClearlyOnABadOne() {
        Ran ok = run(env(), "migrate");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("migrated");

        Map<String, String> bad = env();
        bad.put("KORDON_PG_URL", "postgresql://kordon:sekret@127.0.0.1:1/kordon");
        Ran failed = run(bad, "migrate");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err())
                .startsWith("kordon: cannot migrate postgresql://kordon:***@127.0.0.1:1/kordon")
                .doesNotContain("sekret");
    }

    @Test
    void unknownCommandsAndWrongArgumentsPrintUsageAndExit2() {
        for (String[] args : new String[][] {
            {"frobnicate"}, {"accounts"}, {"accounts", "disable", "mobile"}, {"accounts", "import"}, {"migrate", "now"}
        }) {
            Ran r = run(env(), args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).contains("usage:");
        }
        assertThat(Cli.isCommand(new String[] {"--conf", "x.yaml"})).isFalse();
        assertThat(Cli.isCommand(new String[] {"--conf", "x.yaml", "migrate"})).isTrue();
    }

    @Test
    void importReportsEachRowAndExits3WhenSomeAreRefused() throws Exception {
        Path good = dir.resolve("good.csv");
        Files.writeString(
                good,
                "category,login,tariff,email,role\n"
                        + "mobile,80291910001,SIP-соединение,one@org.by,subscriber\n"
                        + "mobile,+375291910002,SIP-соединение,two@org.by,administrator\n");
        Ran ok = run(env(), "accounts", "import", good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("created 2, updated 0, rejected 0");
        var read = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291910001", null, Rig.ADMIN_TOKEN);
        assertThat(read.statusCode()).isEqualTo(200);

        Path mixed = dir.resolve("mixed.csv");
        Files.writeString(
                mixed,
                "category,login,tariff,email,role\n"
                        + "mobile,+375291910001,SIP-соединение,one@org.by,subscriber\n"
                        + "mobile,12,SIP-соединение,x@org.by,subscriber\n");
        Ran some = run(env(), "accounts", "import", mixed.toString());
        assertThat(some.code()).isEqualTo(3);
        assertThat(some.out()).contains("created 0, updated 1, rejected 1").contains("line 3: login");

        Ran missing = run(env(), "accounts", "import", dir.resolve("none.csv").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read");

        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "no,header,here\n1,2,3\n");
        Ran refused = run(env(), "accounts", "import", broken.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("header").contains("nothing saved");
    }

    @Test
    void importStopsAtTheRowCapAndSaysWhatItSavedBeforeIt() throws Exception {
        Path file = dir.resolve("three.csv");
        Files.writeString(
                file,
                "category,login,tariff,email,role\n"
                        + "mobile,+375291930001,SIP-соединение,cap1@org.by,subscriber\n"
                        + "mobile,+375291930002,SIP-соединение,cap2@org.by,subscriber\n"
                        + "mobile,+375291930003,SIP-соединение,cap3@org.by,subscriber\n");
        Map<String, String> capped = env();
        capped.put("KORDON_ADMIN_IMPORT_ROWS", "2");
        Ran stopped = run(capped, "accounts", "import", file.toString());
        assertThat(stopped.code()).isEqualTo(1);
        assertThat(stopped.err())
                .contains("csv: ")
                .contains("2")
                .contains("saved before it: created 2, updated 0, through line 3");
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291930002", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291930003", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(404);

        Ran all = run(env(), "accounts", "import", file.toString());
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).contains("created 1, updated 2, rejected 0");
    }

    @Test
    void disableEndsTheRunningInstancesCredentialsAndExits4ForNoSuchAccount() {
        String phone = "+375291920001";
        rig.account(phone, PASSWORD);
        var login = rig.login(phone, PASSWORD);
        assertThat(login.statusCode()).isEqualTo(200);
        String access = login.bodyAsJsonObject().getString("access_token");
        assertThat(rig.get("/api/v1/me", access).statusCode()).isEqualTo(200);

        Ran ok = run(env(), "accounts", "disable", "mobile", "80291920001");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(rig.get("/api/v1/me", access).statusCode()).isEqualTo(401);
        assertThat(rig.post(
                                "/api/v1/token/refresh",
                                new JsonObject()
                                        .put(
                                                "refresh_token",
                                                login.bodyAsJsonObject().getString("refresh_token")))
                        .statusCode())
                .isEqualTo(401);
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(401);

        Ran none = run(env(), "accounts", "disable", "mobile", "+375291929999");
        assertThat(none.code()).isEqualTo(4);
        assertThat(none.err()).contains("no such account");
        Ran malformed = run(env(), "accounts", "disable", "mobile", "12");
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).contains("login");
    }

    /** "argon2id m=… KiB, t=…, p=…: N hashes in S s, M ms per hash, R hashes/s on one thread" */
    static final Pattern TIMING =
            Pattern.compile("(argon2id m=\\d+ KiB, t=\\d+, p=\\d+): (\\d+) hashes in ([0-9.]+) s, "
                    + "([0-9.]+) ms per hash, ([0-9.]+) hashes/s on one thread\\R");

    /** The parameters and count it ran with, and its milliseconds per hash, checked against its own rate. */
    static double msPerHash(Ran r, String parameters, int count) {
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = TIMING.matcher(r.out());
        assertThat(m.matches()).as(r.out()).isTrue();
        assertThat(m.group(1)).isEqualTo(parameters);
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(count);
        double ms = Double.parseDouble(m.group(4));
        assertThat(ms).isPositive();
        assertThat(Double.parseDouble(m.group(5)) * ms / 1000).as(r.out()).isCloseTo(1.0, within(0.02));
        return ms;
    }

    @Test
    void hashTimingTimesTheConfiguredOrGivenParametersAndRefusesWhatKordonWould() {
        Map<String, String> env = env();
        env.put("KORDON_HASH_MEMORY_KIB", "7168");
        env.put("KORDON_HASH_ITERATIONS", "1");
        double one = msPerHash(run(env, "hash-timing", "--count", "5"), "argon2id m=7168 KiB, t=1, p=1", 5);
        // Six passes over the memory instead of one: the given parameters are the ones hashed with.
        double six = msPerHash(
                run(env, "hash-timing", "--iterations", "6", "--count", "5"), "argon2id m=7168 KiB, t=6, p=1", 5);
        assertThat(six).as("t=6 against t=1").isGreaterThan(2 * one);

        Ran small = run(env, "hash-timing", "--memory", "1024");
        assertThat(small.code()).isEqualTo(2);
        assertThat(small.err()).contains("--memory").contains("7168").contains("'1024'");
        env.put("KORDON_HASH_ITERATIONS", "0");
        Ran badConf = run(env, "hash-timing");
        assertThat(badConf.code()).isEqualTo(2);
        assertThat(badConf.err()).contains("bad configuration").contains("KORDON_HASH_ITERATIONS");
        for (String[] args : new String[][] {
            {"hash-timing", "--count"},
            {"hash-timing", "--rounds", "3"},
            {"hash-timing", "7168"},
            {"hash-timing", "--count", "1", "--count", "2"}
        }) {
            Ran r = run(env(), args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).contains("usage:").contains("hash-timing [--memory KiB]");
        }
    }
}
