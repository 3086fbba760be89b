package dev.kordon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.ConsoleDesk;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code operators ...} on the command line against the Postgres of a running Kordon: an operator
 * added there signs in to that Kordon's console with the temporary password printed once; a
 * disabled one cannot; a reset prints a new temporary password; a missing one is exit code 4.
 */
class OperatorsCliTest {
    static final Pattern TEMPORARY = Pattern.compile("temporary password: (\\S+)");
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.builder().start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static CliTest.Ran run(String... args) {
        return CliTest.run(
                Map.of(
                        "KORDON_PG_URL",
                        rig.config.pg().url(),
                        "KORDON_REDIS_URL",
                        dev.kordon.support.TestServers.redisUrl(),
                        "KORDON_REDIS_KEY_PREFIX",
                        rig.prefix,
                        "KORDON_ADMIN_TOKEN",
                        Rig.ADMIN_TOKEN,
                        "KORDON_JWT_KEYS_DIR",
                        "unused",
                        "KORDON_SECRETS_KEY",
                        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
                args);
    }

    static String temporary(CliTest.Ran ran) {
        Matcher m = TEMPORARY.matcher(ran.out());
        assertThat(m.find()).as(ran.out()).isTrue();
        return LogCapture.secret(m.group(1));
    }

    static int signIn(String name, String password) {
        ConsoleDesk desk = new ConsoleDesk(rig);
        return desk.post(
                        "/console/login/password",
                        MultiMap.caseInsensitiveMultiMap()
                                .add("csrf", desk.csrf("/console/login"))
                                .add("name", name)
                                .add("password", password))
                .statusCode();
    }

    @Test
    void anOperatorAddedOnTheCommandLineSignsInUntilDisabledAndAResetPrintsANewPassword() {
        CliTest.Ran added =
                run("operators", "add", "petr", "--email", "petr@desk.example.by", "--display-name", "Пётр");
        assertThat(added.code()).as(added.err()).isZero();
        String first = temporary(added);
        assertThat(signIn("petr", first)).isEqualTo(303);
        assertThat(run("operators", "list").out()).contains("petr\tПётр\tpetr@desk.example.by\tactive");

        assertThat(run("operators", "disable", "petr").code()).isZero();
        assertThat(signIn("petr", first)).isEqualTo(401);
        assertThat(run("operators", "enable", "petr").code()).isZero();

        CliTest.Ran reset = run("operators", "reset", "petr");
        assertThat(reset.code()).isZero();
        String second = temporary(reset);
        assertThat(signIn("petr", first)).isEqualTo(401);
        assertThat(signIn("petr", second)).isEqualTo(303);

        assertThat(run("operators", "show", "nobody").code()).isEqualTo(Cli.NO_ACCOUNT);
        assertThat(run("operators", "add", "Bad Name", "--email", "x@y.by", "--display-name", "X")
                        .code())
                .isEqualTo(Cli.USAGE);
    }
}
