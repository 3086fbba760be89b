package dev.kordon.scale;

import dev.kordon.scale.LoadDriver.Call;
import dev.kordon.scale.LoadDriver.Loop;
import dev.kordon.scale.LoadDriver.Outcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;

/** The request loops of the scale-out tests. */
final class Loops {
    static final String VERIFY = "verify";
    static final String SIGN_IN = "sign-in";
    private static final int[] NO_SLOTS = new int[0];

    private Loops() {}

    /** {@code GET /auth/verify} with a bearer token: 200 expected. */
    static Call verify(String target, int port, String token, String forwardedFor, int[] slots) {
        return new Call(
                VERIFY,
                target,
                HttpMethod.GET,
                port,
                "/auth/verify",
                token,
                forwardedFor,
                null,
                200,
                null,
                slots == null ? NO_SLOTS : slots);
    }

    /** {@code POST /api/v1/login/password} with the right password: 200 with an access token expected. */
    static Call signIn(String target, int port, String login, String password, String forwardedFor, int[] slots) {
        return new Call(
                SIGN_IN,
                target,
                HttpMethod.POST,
                port,
                "/api/v1/login/password",
                null,
                forwardedFor,
                Accounts.body(login, password),
                200,
                "\"access_token\"",
                slots == null ? NO_SLOTS : slots);
    }

    /** Verifies one token, again and again. */
    static final class VerifyLoop implements Loop {
        private final Call call;

        VerifyLoop(String target, int port, String token, String forwardedFor) {
            call = verify(target, port, token, forwardedFor, null);
        }

        @Override
        public Call next() {
            return call;
        }
    }

    /** Signs in its accounts in turn, always with the right password. */
    static final class SignInLoop implements Loop {
        private final List<Call> calls;
        private int i;

        SignInLoop(String target, int port, List<String> logins, String password, String forwardedFor) {
            calls = logins.stream()
                    .map(l -> signIn(target, port, l, password, forwardedFor, null))
                    .toList();
        }

        @Override
        public Call next() {
            return calls.get(i++ % calls.size());
        }
    }

    /**
     * Signs one account in, then verifies the access token it got twice, and again; with the Redis
     * slots each kind of request touches, so outcomes can be told apart by slot.
     */
    static final class SignInVerifyLoop implements Loop {
        private final String target;
        private final int port;
        private final String login;
        private final String password;
        private final String forwardedFor;
        private final int[] signInSlots;
        private final int[] verifySlots;
        private String token;
        private int step;

        SignInVerifyLoop(
                String target,
                int port,
                String login,
                String password,
                String forwardedFor,
                int[] signInSlots,
                int[] verifySlots) {
            this.target = target;
            this.port = port;
            this.login = login;
            this.password = password;
            this.forwardedFor = forwardedFor;
            this.signInSlots = signInSlots;
            this.verifySlots = verifySlots;
        }

        @Override
        public Call next() {
            if (token == null || step % 3 == 0) {
                return signIn(target, port, login, password, forwardedFor, signInSlots);
            }
            return verify(target, port, token, forwardedFor, verifySlots);
        }

        @Override
        public void answered(Call call, Outcome outcome, HttpResponse<Buffer> response) {
            step++;
            if (SIGN_IN.equals(call.kind()) && outcome.ok()) {
                token = response.bodyAsJsonObject().getString("access_token");
            }
        }
    }
}
