package dev.kordon.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.mfa.PasskeyOutcome.Verdict;
import dev.kordon.store.Database;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Passkeys on real Postgres and Redis, answered by a software authenticator that builds every byte
 * itself: what a good ceremony keeps, and each way of being wrong refused for its own reason.
 */
class PasskeysTest {
    static final String ORIGIN = "https://auth.example.by";
    static final String RP_ID = "auth.example.by";

    static Rig rig;
    static SecondFactors factors;
    static Passkeys passkeys;

    @BeforeAll
    static void up() {
        rig = Rig.builder().start();
        factors = new SecondFactors(
                new Database(rig.running.wiring().pg(), Duration.ofSeconds(5)),
                rig.running.wiring().secrets());
        passkeys =
                new Passkeys(factors, rig.running.wiring().redis(), Passkeys.RelyingParty.of(ORIGIN + "/", "Kordon"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void theRelyingPartyIsThePublicHostAndItsOrigin() {
        assertThat(Passkeys.RelyingParty.of("https://auth.example.by", "Kordon"))
                .isEqualTo(new Passkeys.RelyingParty(RP_ID, "Kordon", ORIGIN));
        assertThat(Passkeys.RelyingParty.of("http://localhost:8080/x", "K").origin())
                .isEqualTo("http://localhost:8080");
    }

    @Test
    void aRegisteredPasskeySignsInAndItsCounterAndUseAreKept() {
        Account a = rig.account("+375297510001", null);
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID);
        key.counter = 5;

        JsonObject create = Rig.await(passkeys.registrationOptions(a.id(), "+375297510001", "Анна"));
        assertThat(create.getJsonObject("rp"))
                .isEqualTo(new JsonObject().put("id", RP_ID).put("name", "Kordon"));
        assertThat(Base64.getUrlDecoder().decode(create.getJsonObject("user").getString("id")))
                .isEqualTo(Passkeys.userHandle(a.id()));
        assertThat(Base64.getUrlDecoder().decode(create.getString("challenge"))).hasSize(32);
        assertThat(create.getJsonArray("pubKeyCredParams").stream()
                        .map(p -> ((JsonObject) p).getLong("alg"))
                        .toList())
                .containsExactly(-7L, -257L);
        assertThat(create.getJsonObject("authenticatorSelection").getString("userVerification"))
                .isEqualTo("required");
        assertThat(create.getJsonObject("authenticatorSelection").getString("residentKey"))
                .isEqualTo("preferred");
        assertThat(create.getJsonArray("excludeCredentials")).isEmpty();

        PasskeyOutcome registered = Rig.await(passkeys.register(a.id(), key.create(create), "  Ноутбук  "));
        assertThat(registered).isEqualTo(new PasskeyOutcome(Verdict.ACCEPTED, key.id(), null));
        List<SecondFactors.Passkey> kept = Rig.await(passkeys.list(a.id()));
        assertThat(kept).singleElement().satisfies(p -> {
            assertThat(p.credentialId()).isEqualTo(key.id());
            assertThat(p.label()).isEqualTo("Ноутбук");
            assertThat(p.signCount()).isEqualTo(5);
            assertThat(p.transports()).containsExactly("internal");
            assertThat(p.lastUsedAt()).isNull();
        });
        assertThat(Rig.await(factors.methods(a.id())).passkeys()).isEqualTo(1);
        assertThat(Rig.await(passkeys.registrationOptions(a.id(), "x", "x")).getJsonArray("excludeCredentials"))
                .isEqualTo(new JsonArray()
                        .add(new JsonObject()
                                .put("type", "public-key")
                                .put("id", key.id())
                                .put("transports", new JsonArray().add("internal"))));

        JsonObject get = Rig.await(passkeys.authenticationOptions(a.id()));
        assertThat(get.getString("rpId")).isEqualTo(RP_ID);
        assertThat(get.getString("userVerification")).isEqualTo("required");
        assertThat(get.getJsonArray("allowCredentials").getJsonObject(0).getString("id"))
                .isEqualTo(key.id());
        assertThat(Rig.await(passkeys.authenticate(a.id(), key.get(get, Passkeys.userHandle(a.id()), false))))
                .isEqualTo(new PasskeyOutcome(Verdict.ACCEPTED, key.id(), null));
        SecondFactors.Passkey used = Rig.await(factors.passkey(a.id(), key.id()));
        assertThat(used.signCount()).isEqualTo(6);
        assertThat(used.lastUsedAt()).isNotNull();
    }

    @Test
    void aRegistrationFromAnotherOriginForAnotherRpIdOrWithoutUserVerificationIsRefused() {
        Account a = rig.account("+375297510002", null);
        SoftAuthenticator key = new SoftAuthenticator("https://auth.example.by.evil.test", RP_ID);
        assertThat(register(a.id(), key).reason()).isEqualTo("origin");
        key.origin = ORIGIN;
        key.rpId = "example.by";
        assertThat(register(a.id(), key).reason()).isEqualTo("rp-id");
        key.rpId = RP_ID;
        key.verifiesUser = false;
        assertThat(register(a.id(), key).reason()).isEqualTo("user-verification");
        assertThat(Rig.await(passkeys.list(a.id()))).isEmpty();

        key.verifiesUser = true;
        JsonObject options = Rig.await(passkeys.registrationOptions(a.id(), "a", "a"));
        String answer = key.create(options);
        assertThat(Rig.await(passkeys.register(a.id(), answer, "key")).accepted())
                .isTrue();
        assertThat(Rig.await(passkeys.register(a.id(), answer, "key")).reason())
                .as("the same answer again: its challenge is spent")
                .isEqualTo("challenge");
    }

    @Test
    void anAssertionFromAnotherOriginForAnotherRpIdWithoutUserVerificationOrWithATamperedSignatureIsRefused() {
        Account a = rig.account("+375297510003", null);
        SoftAuthenticator key = registered(a.id());
        key.origin = "https://evil.test";
        assertThat(signIn(a.id(), key, false)).isEqualTo(refused(key, "origin"));
        key.origin = ORIGIN;
        key.rpId = "evil.test";
        assertThat(signIn(a.id(), key, false)).isEqualTo(refused(key, "rp-id"));
        key.rpId = RP_ID;
        key.verifiesUser = false;
        assertThat(signIn(a.id(), key, false)).isEqualTo(refused(key, "user-verification"));
        key.verifiesUser = true;
        assertThat(signIn(a.id(), key, true)).isEqualTo(refused(key, "signature"));
        assertThat(signIn(a.id(), key, false).accepted())
                .as("the same key, answering well")
                .isTrue();
    }

    @Test
    void aReplayedAssertionIsRefusedBecauseItsChallengeIsSpent() {
        Account a = rig.account("+375297510004", null);
        SoftAuthenticator key = registered(a.id());
        String answer = key.get(Rig.await(passkeys.authenticationOptions(a.id())), null, false);
        assertThat(Rig.await(passkeys.authenticate(a.id(), answer)).accepted()).isTrue();
        assertThat(Rig.await(passkeys.authenticate(a.id(), answer))).isEqualTo(refused(key, "challenge"));

        String forRegistration = key.get(Rig.await(passkeys.registrationOptions(a.id(), "a", "a")), null, false);
        assertThat(Rig.await(passkeys.authenticate(a.id(), forRegistration)))
                .as("a challenge issued for a registration does not sign in")
                .isEqualTo(refused(key, "challenge"));
    }

    @Test
    void aCounterThatDoesNotMoveForwardIsRefusedAsAClone() {
        Account a = rig.account("+375297510005", null);
        SoftAuthenticator key = registered(a.id());
        key.counter = 10;
        assertThat(signIn(a.id(), key, false).accepted()).isTrue(); // 11
        key.counting = false;
        assertThat(signIn(a.id(), key, false))
                .as("the same counter again")
                .isEqualTo(new PasskeyOutcome(Verdict.CLONED, key.id(), "sign-count"));
        key.counter = 3;
        assertThat(signIn(a.id(), key, false))
                .as("a counter gone back")
                .isEqualTo(new PasskeyOutcome(Verdict.CLONED, key.id(), "sign-count"));
        assertThat(Rig.await(factors.passkey(a.id(), key.id())).signCount()).isEqualTo(11);
        assertThat(Rig.await(factors.passkeyUsed(a.id(), key.id(), 11)))
                .as("the store's own compare, for two sign-ins racing")
                .isFalse();

        SoftAuthenticator counterless = registered(a.id());
        counterless.counting = false;
        counterless.counter = 0;
        assertThat(signIn(a.id(), counterless, false).accepted()).isTrue();
        assertThat(signIn(a.id(), counterless, false).accepted())
                .as("an authenticator that keeps no counter (always 0)")
                .isTrue();
    }

    @Test
    void anotherAccountsPasskeyOrChallengeIsNotAcceptedForThisAccount() {
        Account owner = rig.account("+375297510006", null);
        Account other = rig.account("+375297510007", null);
        SoftAuthenticator key = registered(owner.id());
        registered(other.id());

        JsonObject otherOptions = Rig.await(passkeys.authenticationOptions(other.id()));
        assertThat(otherOptions.getJsonArray("allowCredentials").stream().map(d -> ((JsonObject) d).getString("id")))
                .doesNotContain(key.id());
        assertThat(Rig.await(passkeys.authenticate(other.id(), key.get(otherOptions, null, false))))
                .isEqualTo(refused(key, "unknown-credential"));

        String ownersAnswer = key.get(Rig.await(passkeys.authenticationOptions(owner.id())), null, false);
        assertThat(Rig.await(passkeys.authenticate(other.id(), ownersAnswer)))
                .as("a challenge issued to another account")
                .isEqualTo(refused(key, "challenge"));
        assertThat(Rig.await(passkeys.authenticate(
                        owner.id(),
                        key.get(
                                Rig.await(passkeys.authenticationOptions(owner.id())),
                                Passkeys.userHandle(other.id()),
                                false))))
                .as("the owner's passkey claiming another person's user handle")
                .isEqualTo(refused(key, "user-handle"));

        SoftAuthenticator again = new SoftAuthenticator(ORIGIN, RP_ID);
        System.arraycopy(key.credentialId, 0, again.credentialId, 0, key.credentialId.length);
        assertThat(register(other.id(), again))
                .as("a credential id registered already, to anyone")
                .isEqualTo(refused(key, "registered"));
    }

    @Test
    void aRemovedPasskeySignsInNoMoreAndOnlyItsAccountRemovesIt() {
        Account a = rig.account("+375297510008", null);
        Account other = rig.account("+375297510009", null);
        SoftAuthenticator key = registered(a.id());
        assertThat(Rig.await(passkeys.remove(other.id(), key.id()))).isFalse();
        assertThat(Rig.await(passkeys.remove(a.id(), key.id()))).isTrue();
        assertThat(Rig.await(passkeys.list(a.id()))).isEmpty();
        assertThat(signIn(a.id(), key, false)).isEqualTo(refused(key, "unknown-credential"));
    }

    @Test
    void whatIsNotAWebAuthnResponseIsRefusedAsMalformed() {
        UUID a = rig.account("+375297510010", null).id();
        assertThat(Rig.await(passkeys.register(a, "{}", "x")).reason()).isEqualTo("malformed");
        assertThat(Rig.await(passkeys.authenticate(a, "not json")).reason()).isEqualTo("malformed");
    }

    private static PasskeyOutcome register(UUID account, SoftAuthenticator key) {
        JsonObject options = Rig.await(passkeys.registrationOptions(account, "a", "a"));
        return Rig.await(passkeys.register(account, key.create(options), "key"));
    }

    private static SoftAuthenticator registered(UUID account) {
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID);
        assertThat(register(account, key).accepted()).isTrue();
        return key;
    }

    private static PasskeyOutcome signIn(UUID account, SoftAuthenticator key, boolean tamper) {
        JsonObject options = Rig.await(passkeys.authenticationOptions(account));
        return Rig.await(passkeys.authenticate(account, key.get(options, null, tamper)));
    }

    private static PasskeyOutcome refused(SoftAuthenticator key, String reason) {
        return new PasskeyOutcome(Verdict.REFUSED, key.id(), reason);
    }
}
