package dev.kordon.support;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/**
 * One Kordon per test class for a headless Chromium over plain HTTP, administrators asked for the
 * second step and a signed-in browser sent to {@link #PORTAL}; a browser per test, closed after it.
 * The class opens its browser itself, with or without scripts and whatever it adds to it.
 */
public abstract class SecondStepBrowserRig {
    /** Where a browser signed in is sent: an address of Kordon's own that answers without a session. */
    protected static final String PORTAL = "/health/live";

    protected static Rig rig;
    protected static String base;
    protected Browser b;

    /** Kordon for a browser at http://{@code host}, {@code more} set on top; the class skipped without Chromium. */
    protected static void start(String host, UnaryOperator<Rig.Builder> more) {
        Browser.requireChromium();
        int port = TestServers.freePort();
        base = "http://" + host + ":" + port;
        rig = more.apply(Rig.builder()
                        .set("http.port", port)
                        .set("cookie.secure", false)
                        .set("portal.url", base + PORTAL)
                        .set("mfa.required-roles", List.of("administrator")))
                .start();
    }

    @AfterAll
    protected static void stopRig() {
        if (rig != null) {
            rig.close();
            rig = null; // the next class of the run starts its own
        }
    }

    @AfterEach
    protected void closeBrowser() {
        if (b != null) {
            b.close();
            b = null;
        }
    }

    /** The password form sent from this test's browser, signed out first. */
    protected void passwordSignIn(String nine, String password) {
        SecondSteps.passwordSignIn(b, nine, password);
    }
}
