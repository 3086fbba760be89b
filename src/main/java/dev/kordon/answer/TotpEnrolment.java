package dev.kordon.answer;

/**
 * An authenticator app to set up: its secret (base32, to type), the {@code otpauth://} URI and that
 * URI as an inline SVG QR code. All three carry the secret: shown once, never cached or logged.
 */
public record TotpEnrolment(String secret, String otpauthUri, String qrSvg) {
    @Override
    public String toString() {
        return "TotpEnrolment[secret withheld]";
    }
}
