package dev.kordon.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Every Redis key Kordon uses, and the only place one is spelled. All start with
 * {@code redis.key-prefix}. The part in braces is the Redis Cluster hash tag: the keys one Lua
 * script touches share it, so they sit in one slot. Names and tags are what is stored in Redis
 * already (and what the scale-out test computes slots of): renaming one strands live data.
 */
public final class Keys {
    private final String prefix;

    public Keys(String prefix) {
        this.prefix = prefix;
    }

    /**
     * How a secret id (a refresh token, a session cookie) appears in a key or a set: its SHA-256 in
     * hex, so that what Redis holds cannot be presented.
     */
    public static String hashed(String secretId) {
        // A session cookie is hashed at every request that presents it: one digest per thread, not a
        // provider lookup each time.
        return HEX.formatHex(SHA_256.get().digest(secretId.getBytes(StandardCharsets.US_ASCII)));
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    // ---- One account: <prefix>:{a:<id>}:…

    /** The start every key of the account shares (for KEYS/SCAN patterns). */
    public String accountScope(UUID account) {
        return prefix + ":{a:" + account + "}:";
    }

    /** Epoch ms from which the account's credentials count; kept as long as a credential issued before it lives. */
    public String epoch(UUID account) {
        return accountScope(account) + "epoch";
    }

    /** A signed-out access token's jti; kept until the token would have expired, plus a minute. */
    public String denied(UUID account, String jti) {
        return accountScope(account) + "deny:" + jti;
    }

    /** A refresh family ended alone: its access tokens are refused until the last could expire, plus a minute. */
    public String deniedFamily(UUID account, String family) {
        return accountScope(account) + "deny-sid:" + family;
    }

    /** The temporary password's hash beside a change token; lives tokens.change-ttl, spent once. */
    public String changeToken(UUID account, String jti) {
        return accountScope(account) + "chg:" + jti;
    }

    /**
     * A refresh token, by its SHA-256: {fam, used, abs, amr (the family's sign-in, space-separated)}; lives
     * tokens.refresh-idle, at most its family's end.
     */
    public String refreshToken(UUID account, String tokenSha256) {
        return accountScope(account) + "rt:" + tokenSha256;
    }

    /**
     * The start of the account's family keys; refresh_rotate.lua and revoke_all.lua get it as an
     * argument and append the family id themselves.
     */
    public String familyPrefix(UUID account) {
        return accountScope(account) + "fam:";
    }

    /** A refresh family, present while it lives: tokens.refresh-absolute from its first token. */
    public String family(UUID account, String family) {
        return familyPrefix(account) + family;
    }

    /** The ids of the account's families (revoked all at once); lives as long as the newest family. */
    public String families(UUID account) {
        return accountScope(account) + "fams";
    }

    /** A browser session, by the SHA-256 of its cookie: what /auth/verify answers; lives cookie.session-ttl. */
    public String browserSession(UUID account, String idSha256) {
        return accountScope(account) + "web:" + idSha256;
    }

    /**
     * The SHA-256s of the account's browser sessions, so an operator can list and end them; lives as
     * long as the newest session. A member whose session expired is skipped when read.
     */
    public String browserSessions(UUID account) {
        return accountScope(account) + "webs";
    }

    // ---- One login, with or without an account: <prefix>:{l:<category>:<login>}:…

    /** The start every key of the login shares (for KEYS/SCAN patterns). */
    public String loginScope(String category, String login) {
        return prefix + ":{l:" + category + ":" + login + "}:";
    }

    /** The keyed hash of the live temporary password; lives temp-password.ttl, single use. */
    public String tempPassword(String category, String login) {
        return loginScope(category, login) + "tmp";
    }

    /** The live SMS code: {h: keyed hash, tries}; lives sms-code.ttl. */
    public String smsCode(String category, String login) {
        return loginScope(category, login) + "sms";
    }

    /** Present while no new code may be sent: sms-code.resend-after. */
    public String smsResend(String category, String login) {
        return loginScope(category, login) + "sms:resend";
    }

    /** Codes sent to the number, one hour from the first. */
    public String smsHour(String category, String login) {
        return loginScope(category, login) + "sms:hour";
    }

    /** Codes sent to the number, one day from the first. */
    public String smsDay(String category, String login) {
        return loginScope(category, login) + "sms:day";
    }

    /** Wrong codes over all of the number's codes, one day from the first; an admin unlock clears it. */
    public String smsFailures(String category, String login) {
        return loginScope(category, login) + "smsfail";
    }

    /** Consecutive password failures {n, last, until}; kept a day, or login.lock-for if longer. */
    public String passwordFailures(String category, String login) {
        return loginScope(category, login) + "pwfail";
    }

    /** Password failures of the login from one client (IPv6: its block), per login.account-ip-window. */
    public String passwordFailuresFrom(String category, String login, String client) {
        return loginScope(category, login) + "pwip:" + client;
    }

    /** Password attempts in flight (zset reservation → expiry ms); each runs out after 30 s. */
    public String passwordReservations(String category, String login) {
        return loginScope(category, login) + "pwres";
    }

    /** The same, from one client. */
    public String passwordReservationsFrom(String category, String login, String client) {
        return passwordReservations(category, login) + ":" + client;
    }

    /** Temporary passwords asked for the number, one hour from the first. */
    public String recoveryHour(String category, String login) {
        return loginScope(category, login) + "rec:hour";
    }

    /** Temporary passwords asked for the number, one day from the first. */
    public String recoveryDay(String category, String login) {
        return loginScope(category, login) + "rec:day";
    }

    // ---- One client address (IPv6: its block): <prefix>:{ip:<address>}:…

    private String clientScope(String client) {
        return prefix + ":{ip:" + client + "}:";
    }

    /** Sign-in attempts (password or code) from the client, per login.ip-window. */
    public String clientSignIns(String client) {
        return clientScope(client) + "pw";
    }

    /** SMS codes and recoveries asked from the client, one hour from the first. */
    public String clientSends(String client) {
        return clientScope(client) + "send";
    }

    /** Wrong admin tokens typed into the operator console from the client, per admin.console-failure-window. */
    public String consoleFailures(String client) {
        return clientScope(client) + "console-fail";
    }

    // ---- One phone number, by its keyed hash: <prefix>:{sw:<hash>}:…

    /** The SIM swap service's last answer for the number (swapped or not), cached for sim-swap.cache-ttl. */
    public String simSwapAnswer(String numberHash) {
        return prefix + ":{sw:" + numberHash + "}:answer";
    }

    /** The number's SIM was swapped (the network said so by an event): SMS sign-in refused while it lives. */
    public String simSwapMark(String numberHash) {
        return prefix + ":{sw:" + numberHash + "}:mark";
    }

    /** A SIM swap event's id, once handled: the same event delivered again changes nothing. */
    public String simSwapEvent(String eventIdHash) {
        return prefix + ":{swe:" + eventIdHash + "}:seen";
    }

    // ---- One OpenID Connect authorization code: <prefix>:{oc:<keyed hash of the code>}:…

    /** An authorization code's grant (JSON, nothing secret), by the code's keyed hash; lives 60 s, taken once. */
    public String oidcCode(String codeHash) {
        return prefix + ":{oc:" + codeHash + "}:code";
    }

    /**
     * A spent authorization code: its grant and the id its first use issued under, so a replay can end
     * what that use issued; lives the code's lifetime plus ten minutes.
     */
    public String oidcCodeSpent(String codeHash) {
        return prefix + ":{oc:" + codeHash + "}:spent";
    }

    /**
     * What an authorization code's first use issued (the account, its access token, the refresh
     * family it opened), by the code's issued id; lives the code's lifetime plus ten minutes, like the spent marker.
     */
    public String oidcIssued(String issuedId) {
        return prefix + ":{oi:" + issuedId + "}:issued";
    }

    /**
     * An OpenID Connect client's hold on a refresh family (JSON: client, scope, amr); lives as long as
     * the family can. A family without one was not issued to a client and is refused at its endpoint.
     */
    public String oidcFamily(UUID account, String family) {
        return accountScope(account) + "ofam:" + family;
    }

    /**
     * The clients a person signed in to through OpenID Connect (hash: {@code "<client_id> <sid>"} to
     * the epoch ms that entry stops counting), for back-channel logout; lives as long as a family can.
     */
    public String oidcRelyingParties(UUID account) {
        return accountScope(account) + "orp";
    }

    /**
     * A second step under way (hash: what the first step proved, {@code tries}), by the keyed
     * hash's stand-in of its token, the SHA-256; lives {@code mfa.step-ttl}, dies at its last try.
     */
    public String mfaStep(UUID account, String tokenSha256) {
        return accountScope(account) + "step:" + tokenSha256;
    }

    /** A TOTP step whose code the account has used: set once (NX), so a code works once; lives past its window. */
    public String totpStep(UUID account, long step) {
        return accountScope(account) + "totp:" + step;
    }

    /**
     * A passkey challenge issued to the account (its base64url text): what it was issued for, taken
     * once (GETDEL) by the response that answers it; lives a few minutes.
     */
    public String passkeyChallenge(UUID account, String challenge) {
        return accountScope(account) + "pkc:" + challenge;
    }

    /** Failed client authentications and bad codes at the token endpoint, per client or address (hashed). */
    public String oidcFailures(String who) {
        return prefix + ":{of:" + hashed(who) + "}:fail";
    }

    // ---- Kordon-wide

    /** Every SMS sent, all numbers together, one minute from the first; its own tag, {sms}. */
    public String smsBudget() {
        return prefix + ":{sms}:minute";
    }

    /** The outbox stream (sealed mail and SMS); capped near 200,000 entries, no TTL. */
    public String outbox() {
        return prefix + ":outbox";
    }

    /** Messages refused for good, still sealed; the newest 10,000 kept, no TTL. */
    public String deadLetters() {
        return outbox() + ":dead";
    }

    /**
     * An operator console session, by the SHA-256 of its cookie: the fingerprint of the admin token it
     * was opened with; lives admin.console-session-ttl.
     */
    public String consoleSession(String idSha256) {
        return prefix + ":console-session:" + idSha256;
    }

    /** The pub/sub channel of revoked tokens and accounts: a channel, nothing is stored. */
    public String revocations() {
        return prefix + ":revoked";
    }
}
