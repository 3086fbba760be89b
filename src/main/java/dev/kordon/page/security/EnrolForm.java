package dev.kordon.page.security;

import dev.kordon.mfa.OtpAuth;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * «Подключение приложения» as a form, for the first sign-in's enrolment and the security page's
 * alike: the QR code, the key to type, the code field, posted to {@code action}.
 */
public final class EnrolForm {
    /** A base32 secret as the enrolment shows it: 20 bytes are 32 characters. */
    private static final Pattern SECRET = Pattern.compile("[A-Z2-7]{16,128}");

    private EnrolForm() {}

    public static Model model(Model m, String action, String secret, String uri, String qrSvg) {
        return m.put("enrolAction", action)
                .put("secret", secret)
                // Grouped by four, as apps that take a typed key show it.
                .put("secretGroups", secret.replaceAll("(.{4})(?!$)", "$1 "))
                .put("otpauth", uri)
                .put("qrSvg", qrSvg);
    }

    /**
     * The form again after a wrong code, with the secret it showed: asking for a new one would make
     * the person scan anew an app that holds the first already. Only what looks like an enrolment is
     * drawn again (the code is checked against the secret Kordon keeps, never against this); null
     * for anything else, which gets a fresh page.
     */
    public static Model again(RoutingContext ctx, Model m, String action) {
        String secret = ctx.request().getFormAttribute("secret");
        String uri = ctx.request().getFormAttribute("otpauth");
        if (secret == null
                || !SECRET.matcher(secret).matches()
                || uri == null
                || uri.length() > 512
                || !uri.startsWith("otpauth://totp/")
                || !uri.contains("secret=" + secret + "&")) {
            return null;
        }
        return model(m, action, secret, uri, OtpAuth.svg(uri, PageModel.text(ctx, "page.enrol.qr")));
    }
}
