package dev.kordon.api;

import dev.kordon.account.Account;
import dev.kordon.admin.AccountState;
import dev.kordon.admin.ImportSummary;
import dev.kordon.admin.Session;
import dev.kordon.admin.TempPasswordIssued;
import dev.kordon.answer.Answer;
import dev.kordon.answer.ChangeRequired;
import dev.kordon.answer.CodeSent;
import dev.kordon.answer.Enrolled;
import dev.kordon.answer.Profile;
import dev.kordon.answer.RecoveryStarted;
import dev.kordon.answer.StepRequired;
import dev.kordon.answer.TokenPair;
import dev.kordon.answer.TotpEnrolment;
import dev.kordon.audit.AuditEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The flows' answers as the contract (openapi.yaml) spells them: the one place they become JSON. */
final class ApiJson {
    private ApiJson() {}

    static JsonObject of(Answer answer) {
        if (answer instanceof ChangeRequired change) {
            return new JsonObject()
                    .put("password_change_required", true)
                    .put("change_token", change.changeToken())
                    .put("expires_in", change.expiresIn());
        }
        if (answer instanceof StepRequired step) {
            return new JsonObject()
                    .put("second_step_required", true)
                    .put("step_token", step.stepToken())
                    .put("expires_in", step.expiresIn())
                    .put("enrol", step.enrol())
                    .put("methods", new JsonArray(step.methods()));
        }
        TokenPair pair = (TokenPair) answer;
        JsonObject json = new JsonObject()
                .put("access_token", pair.accessToken())
                .put("token_type", "Bearer")
                .put("expires_in", pair.expiresIn());
        // One-visit (SMS) sign-ins get no refresh token.
        if (pair.refreshToken() != null) {
            json.put("refresh_token", pair.refreshToken()).put("refresh_expires_in", pair.refreshExpiresIn());
        }
        return json;
    }

    /** An authenticator app to set up: the secret and its URI, shown once; the QR is the pages' business. */
    static JsonObject of(TotpEnrolment enrolment) {
        return new JsonObject().put("secret", enrolment.secret()).put("otpauth_uri", enrolment.otpauthUri());
    }

    /** The enrolment's ten recovery codes beside the tokens of the sign-in it finished. */
    static JsonObject of(Enrolled<Answer> enrolled) {
        return of(enrolled.grant()).put("recovery_codes", new JsonArray(enrolled.recoveryCodes()));
    }

    static JsonObject of(CodeSent sent) {
        return new JsonObject().put("expires_in", sent.expiresIn()).put("resend_in", sent.resendIn());
    }

    static JsonObject of(RecoveryStarted started) {
        return new JsonObject().put("channel", started.channel()).put("expires_in", started.expiresIn());
    }

    static JsonObject of(Profile me) {
        return new JsonObject()
                .put("sub", me.subject())
                .put("category", me.category())
                .put("login", me.login())
                .put("role", me.role())
                .put("tariff", me.tariff())
                .put("amr", new JsonArray(me.amr()))
                .put("acr", me.acr());
    }

    /** Never the password hash: whether there is one, only. */
    static JsonObject of(Account a) {
        return new JsonObject()
                .put("id", a.id().toString())
                .put("category", a.category())
                .put("login", a.login())
                .put("tariff", a.tariff())
                .put("email", a.email())
                .put("role", a.role())
                .put("status", a.status())
                .put("has_password", a.hasPassword())
                .put("created_at", a.createdAt() == null ? null : a.createdAt().toString())
                .put("updated_at", a.updatedAt() == null ? null : a.updatedAt().toString());
    }

    static JsonObject of(AccountState state) {
        return of(state.account())
                .put("password_failures", state.passwordFailures())
                .put("password_locked", state.passwordLocked());
    }

    static JsonObject of(TempPasswordIssued issued) {
        return new JsonObject().put("sent", issued.sent()).put("expires_in", issued.expiresIn());
    }

    static JsonObject accounts(List<Account> found) {
        JsonArray out = new JsonArray();
        found.forEach(a -> out.add(of(a)));
        return new JsonObject().put("accounts", out);
    }

    /** A browser session keeps no last use, so it has no such member. */
    static JsonObject sessions(List<Session> sessions) {
        JsonArray out = new JsonArray();
        for (Session s : sessions) {
            JsonObject json =
                    new JsonObject().put("id", s.id()).put("kind", s.kind()).put("created_at", s.createdAt());
            if (s.refresh()) {
                json.put("last_used_at", s.lastUsedAt());
            }
            out.add(json.put("expires_at", s.expiresAt()));
        }
        return new JsonObject().put("sessions", out);
    }

    static JsonObject events(List<AuditEvent> events) {
        JsonArray out = new JsonArray();
        events.forEach(e -> out.add(new JsonObject()
                .put("at", e.at())
                .put("event", e.event())
                .put("account", e.account())
                .put("ip", e.ip())
                .put("detail", e.detail())));
        return new JsonObject().put("events", out);
    }

    static JsonObject of(ImportSummary done) {
        JsonArray rejected = new JsonArray();
        done.rejected()
                .forEach(
                        r -> rejected.add(new JsonObject().put("line", r.line()).put("reason", r.reason())));
        return new JsonObject()
                .put("created", done.created())
                .put("updated", done.updated())
                .put("rejected", rejected)
                .put("rejected_total", done.rejectedTotal());
    }
}
