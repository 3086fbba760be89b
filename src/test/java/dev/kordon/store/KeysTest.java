package dev.kordon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Key names are data: Redis holds keys by these names, and Redis Cluster places them by the part in
 * braces. A rename here strands what is stored, so every name is pinned as it is written today.
 */
class KeysTest {
    static final UUID ID = UUID.fromString("6f1c9a52-9d0e-4a55-8f65-0a7b3c1d2e3f");
    static final String PHONE = "+375251000000";
    static final String CLIENT = "127.30.1.2";
    final Keys keys = new Keys("kordon");

    @Test
    void accountKeysSitUnderTheAccountsTag() {
        String a = "kordon:{a:6f1c9a52-9d0e-4a55-8f65-0a7b3c1d2e3f}:";
        assertThat(keys.accountScope(ID)).isEqualTo(a);
        assertThat(keys.epoch(ID)).isEqualTo(a + "epoch");
        assertThat(keys.denied(ID, "j1")).isEqualTo(a + "deny:j1");
        assertThat(keys.changeToken(ID, "j1")).isEqualTo(a + "chg:j1");
        assertThat(keys.refreshToken(ID, "ab12")).isEqualTo(a + "rt:ab12");
        assertThat(keys.familyPrefix(ID)).isEqualTo(a + "fam:");
        assertThat(keys.family(ID, "f1")).isEqualTo(a + "fam:f1");
        assertThat(keys.families(ID)).isEqualTo(a + "fams");
        assertThat(keys.browserSession(ID, "cd34")).isEqualTo(a + "web:cd34");
        assertThat(keys.browserSessions(ID)).isEqualTo(a + "webs");
    }

    @Test
    void loginKeysSitUnderTheLoginsTag() {
        String l = "kordon:{l:mobile:+375251000000}:";
        assertThat(keys.loginScope("mobile", PHONE)).isEqualTo(l);
        assertThat(keys.tempPassword("mobile", PHONE)).isEqualTo(l + "tmp");
        assertThat(keys.smsCode("mobile", PHONE)).isEqualTo(l + "sms");
        assertThat(keys.smsResend("mobile", PHONE)).isEqualTo(l + "sms:resend");
        assertThat(keys.smsHour("mobile", PHONE)).isEqualTo(l + "sms:hour");
        assertThat(keys.smsDay("mobile", PHONE)).isEqualTo(l + "sms:day");
        assertThat(keys.smsFailures("mobile", PHONE)).isEqualTo(l + "smsfail");
        assertThat(keys.passwordFailures("mobile", PHONE)).isEqualTo(l + "pwfail");
        assertThat(keys.passwordFailuresFrom("mobile", PHONE, CLIENT)).isEqualTo(l + "pwip:127.30.1.2");
        assertThat(keys.passwordReservations("mobile", PHONE)).isEqualTo(l + "pwres");
        assertThat(keys.passwordReservationsFrom("mobile", PHONE, CLIENT)).isEqualTo(l + "pwres:127.30.1.2");
        assertThat(keys.recoveryHour("mobile", PHONE)).isEqualTo(l + "rec:hour");
        assertThat(keys.recoveryDay("mobile", PHONE)).isEqualTo(l + "rec:day");
    }

    @Test
    void clientAndKordonWideKeys() {
        assertThat(keys.clientSignIns(CLIENT)).isEqualTo("kordon:{ip:127.30.1.2}:pw");
        assertThat(keys.clientSends("2001:db8:1:2::")).isEqualTo("kordon:{ip:2001:db8:1:2::}:send");
        assertThat(keys.consoleFailures(CLIENT)).isEqualTo("kordon:{ip:127.30.1.2}:console-fail");
        assertThat(keys.consoleSession("ef56")).isEqualTo("kordon:console-session:ef56");
        assertThat(keys.smsBudget()).isEqualTo("kordon:{sms}:minute");
        assertThat(keys.outbox()).isEqualTo("kordon:outbox");
        assertThat(keys.deadLetters()).isEqualTo("kordon:outbox:dead");
        assertThat(keys.revocations()).isEqualTo("kordon:revoked");
        assertThat(keys.oidcCode("9a8b")).isEqualTo("kordon:{oc:9a8b}:code");
        assertThat(keys.oidcCodeSpent("9a8b")).isEqualTo("kordon:{oc:9a8b}:spent");
        assertThat(new Keys("t1a2b3c4").outbox()).isEqualTo("t1a2b3c4:outbox");
    }

    /** Redis Cluster refuses a script or a multi-key command whose keys lie in different slots. */
    @Test
    void theKeysOfOneScriptOrCommandShareOneTag() {
        List<List<String>> together = List.of(
                // login_gate.lua, login_settle.lua
                List.of(
                        keys.passwordFailures("mobile", PHONE),
                        keys.passwordFailuresFrom("mobile", PHONE, CLIENT),
                        keys.passwordReservations("mobile", PHONE),
                        keys.passwordReservationsFrom("mobile", PHONE, CLIENT)),
                // sms_issue.lua, sms_withdraw.lua; sms_check.lua; the admin unlock
                List.of(
                        keys.smsCode("mobile", PHONE),
                        keys.smsResend("mobile", PHONE),
                        keys.smsHour("mobile", PHONE),
                        keys.smsDay("mobile", PHONE),
                        keys.smsFailures("mobile", PHONE),
                        keys.passwordFailures("mobile", PHONE)),
                // window_hit.lua over a number's recovery windows
                List.of(keys.recoveryHour("mobile", PHONE), keys.recoveryDay("mobile", PHONE)),
                // refresh_issue.lua, refresh_rotate.lua (which adds the family id to the prefix), revoke_all.lua
                List.of(
                        keys.refreshToken(ID, "ab12"),
                        keys.family(ID, "f1"),
                        keys.families(ID),
                        keys.familyPrefix(ID) + "f2"),
                // MGET of a browser session with its account's epoch; the deny list, read beside the epoch
                List.of(keys.browserSession(ID, "cd34"), keys.epoch(ID), keys.denied(ID, "j1")),
                // oidc_code_take.lua
                List.of(keys.oidcCode("9a8b"), keys.oidcCodeSpent("9a8b")));
        for (List<String> group : together) {
            assertThat(group.stream().map(KeysTest::tag).distinct())
                    .as(group.toString())
                    .hasSize(1);
        }
        assertThat(tag(keys.epoch(ID))).isEqualTo("a:" + ID);
        assertThat(tag(keys.tempPassword("mobile", PHONE))).isEqualTo("l:mobile:" + PHONE);
        assertThat(tag(keys.clientSignIns(CLIENT))).isEqualTo("ip:" + CLIENT);
        assertThat(tag(keys.smsBudget())).isEqualTo("sms");
    }

    /** The hash tag as Redis Cluster reads it: between the first '{' and the next '}', if not empty. */
    static String tag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : key;
    }
}
