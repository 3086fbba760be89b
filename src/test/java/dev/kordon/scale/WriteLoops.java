package dev.kordon.scale;

import dev.kordon.scale.LoadDriver.Call;
import dev.kordon.scale.LoadDriver.Loop;
import dev.kordon.scale.LoadDriver.Outcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Loops of writes that each say which were acknowledged (2xx) and which were sent but not
 * acknowledged (they may or may not have been applied), so that a test can hold the database to
 * them afterwards.
 */
final class WriteLoops {
    static final String UPSERT = "upsert";
    static final String PASSWORD_CHANGE = "password-change";
    static final String PASSWORD_SIGN_IN = "pw-sign-in";
    /** A sign-in with the password a change that was not acknowledged may have set: 401 is an answer. */
    static final String PASSWORD_PROBE = "pw-probe";

    private static final int[] NO_SLOTS = new int[0];

    /** One write: what it wrote ({@code key} and {@code value}) and when its answer came. */
    record Write(String key, String value, long endNs) {}

    private WriteLoops() {}

    /** {@code PUT /admin/v1/accounts/mobile/{login}} of a new login each time: 201 expected. */
    static final class UpsertLoop implements Loop {
        final List<Write> acked = new CopyOnWriteArrayList<>();
        final List<Write> unacked = new CopyOnWriteArrayList<>();
        private final Instance admin;
        private final String prefix;
        private int n;

        /** {@code prefix}: a login without its last four digits. */
        UpsertLoop(Instance admin, String prefix) {
            this.admin = admin;
            this.prefix = prefix;
        }

        @Override
        public Call next() {
            String login = prefix + String.format("%04d", n);
            String email = "upsert-" + login.substring(1) + "@org.by";
            JsonObject body = new JsonObject()
                    .put("tariff", Accounts.TARIFF)
                    .put("email", email)
                    .put("role", "subscriber")
                    .put("status", "active");
            return new Call(
                    UPSERT,
                    "admin",
                    HttpMethod.PUT,
                    admin.adminPort,
                    "/admin/v1/accounts/mobile/" + login,
                    admin.adminToken,
                    null,
                    body,
                    201,
                    null,
                    NO_SLOTS);
        }

        @Override
        public void answered(Call call, Outcome outcome, HttpResponse<Buffer> response) {
            String login = call.path().substring(call.path().lastIndexOf('/') + 1);
            Write w = new Write(login, call.body().getString("email"), outcome.endNs());
            (outcome.ok() ? acked : unacked).add(w);
            n++;
        }

        List<String> attempted() {
            List<String> all = new ArrayList<>();
            acked.forEach(w -> all.add(w.key()));
            unacked.forEach(w -> all.add(w.key()));
            return all;
        }
    }

    /**
     * Signs one account in and changes its password, again and again. A change that was not
     * acknowledged leaves two passwords possible; the next sign-in tries the newer one first, and a
     * 401 to it says the change was not applied.
     */
    static final class PasswordChangeLoop implements Loop {
        final String login;
        final List<Write> acked = new CopyOnWriteArrayList<>();
        final List<Write> unacked = new CopyOnWriteArrayList<>();
        /** The passwords the account may have now, the newest first. */
        private final List<String> possible = new ArrayList<>();

        private final int port;
        private final String forwardedFor;
        private String token;
        private int n;

        PasswordChangeLoop(int port, String login, String password, String forwardedFor) {
            this.port = port;
            this.login = login;
            this.forwardedFor = forwardedFor;
            possible.add(password);
        }

        @Override
        public Call next() {
            if (token == null) {
                Call signIn = Loops.signIn("pw", port, login, possible.get(0), forwardedFor, null);
                String kind = possible.size() > 1 ? PASSWORD_PROBE : PASSWORD_SIGN_IN;
                return new Call(
                        kind,
                        signIn.target(),
                        signIn.method(),
                        port,
                        signIn.path(),
                        null,
                        forwardedFor,
                        signIn.body(),
                        200,
                        signIn.mustContain(),
                        NO_SLOTS);
            }
            String next = ScaleStack.PASSWORD + "-" + login.substring(login.length() - 2) + "-" + (++n);
            JsonObject body = new JsonObject()
                    .put("current_password", possible.get(0))
                    .put("new_password", next)
                    .put("confirm_password", next);
            return new Call(
                    PASSWORD_CHANGE,
                    "pw",
                    HttpMethod.POST,
                    port,
                    "/api/v1/password/change",
                    token,
                    forwardedFor,
                    body,
                    204,
                    null,
                    NO_SLOTS);
        }

        @Override
        public void answered(Call call, Outcome outcome, HttpResponse<Buffer> response) {
            if (PASSWORD_CHANGE.equals(call.kind())) {
                String next = call.body().getString("new_password");
                Write w = new Write(login, next, outcome.endNs());
                if (outcome.ok()) {
                    acked.add(w);
                    possible.clear();
                } else {
                    unacked.add(w);
                }
                possible.add(0, next);
                // A changed password ends the account's sessions: sign in again either way.
                token = null;
                return;
            }
            if (outcome.ok()) {
                token = response.bodyAsJsonObject().getString("access_token");
                String current = possible.get(0);
                possible.clear();
                possible.add(current);
            } else if (outcome.status() == 401 && possible.size() > 1) {
                possible.remove(0);
            }
        }

        /** Every password this loop asked for, in order: the acknowledged and the others. */
        List<Write> attempted() {
            List<Write> all = new ArrayList<>(acked);
            all.addAll(unacked);
            all.sort(java.util.Comparator.comparingLong(Write::endNs));
            return all;
        }
    }
}
