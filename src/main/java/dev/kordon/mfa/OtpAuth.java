package dev.kordon.mfa;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an authenticator app scans at enrolment: the {@code otpauth://totp/} URI of the Key URI
 * Format every app reads (issuer, account, base32 secret, SHA1, 6 digits, 30 s), and that URI as a
 * QR code drawn server-side as SVG, so the enrolment page needs no script and no image request.
 * Both carry the secret: they are rendered into the one page that shows it, never logged or cached.
 */
public final class OtpAuth {
    /** The quiet zone the QR specification asks for, in modules. */
    private static final int MARGIN = 4;

    private OtpAuth() {}

    /** {@code otpauth://totp/Issuer:account?secret=…&issuer=Issuer&algorithm=SHA1&digits=6&period=30}. */
    public static String uri(String issuer, String account, byte[] secret) {
        return "otpauth://totp/" + enc(issuer) + ":" + enc(account)
                + "?secret=" + Totp.base32(secret)
                + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS
                + "&period=" + Totp.STEP_SECONDS;
    }

    /**
     * The QR code of {@code text} as an SVG element scaled by CSS: one path of dark modules on a
     * white square, error correction M, {@code label} as its accessible name.
     */
    public static String svg(String text, String label) {
        BitMatrix m;
        try {
            m = new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(
                                    EncodeHintType.MARGIN,
                                    0,
                                    EncodeHintType.ERROR_CORRECTION,
                                    ErrorCorrectionLevel.M,
                                    EncodeHintType.CHARACTER_SET,
                                    "UTF-8"));
        } catch (WriterException e) {
            // Only text too long for any QR version gets here; an otpauth URI is a few hundred characters.
            throw new IllegalArgumentException("too long for a QR code", e);
        }
        int size = m.getWidth() + 2 * MARGIN;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y)) {
                    path.append('M')
                            .append(x + MARGIN)
                            .append(' ')
                            .append(y + MARGIN)
                            .append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" role=\"img\" aria-label=\"" + escape(label) + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"" + size + "\" height=\"" + size + "\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }

    private static String enc(String s) {
        // The Key URI Format wants %20, not +, for a space in the label and the issuer.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
