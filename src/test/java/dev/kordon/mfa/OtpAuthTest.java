package dev.kordon.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.LuminanceSource;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OtpAuthTest {
    static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theUriIsTheKeyUriFormatWithTheIssuerTheAccountAndTheBase32Secret() {
        assertThat(OtpAuth.uri("Kordon A1", "+375291234567", SECRET))
                .isEqualTo("otpauth://totp/Kordon%20A1:%2B375291234567?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        + "&issuer=Kordon%20A1&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void theSvgIsAQrCodeThatAReaderDecodesBackToTheUri() throws Exception {
        String uri = OtpAuth.uri("Kordon", "+375291234567", Totp.newSecret());
        String svg = OtpAuth.svg(uri, "QR <code>");
        assertThat(svg)
                .startsWith("<svg")
                .contains("aria-label=\"QR &lt;code&gt;\"")
                .doesNotContain("<code>");

        // Draw the path's modules into pixels, 4 per module, and let ZXing's own reader decode them.
        Matcher box = Pattern.compile("viewBox=\"0 0 (\\d+) \\d+\"").matcher(svg);
        assertThat(box.find()).isTrue();
        int modules = Integer.parseInt(box.group(1));
        int scale = 4;
        int[] pixels = new int[modules * scale * modules * scale];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        Matcher m = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
        int dark = 0;
        while (m.find()) {
            dark++;
            int x = Integer.parseInt(m.group(1));
            int y = Integer.parseInt(m.group(2));
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    pixels[(y * scale + dy) * modules * scale + x * scale + dx] = 0xFF000000;
                }
            }
        }
        assertThat(dark).isGreaterThan(100);
        LuminanceSource source = new RGBLuminanceSource(modules * scale, modules * scale, pixels);
        String decoded = new QRCodeReader()
                .decode(new BinaryBitmap(new HybridBinarizer(source)))
                .getText();
        assertThat(decoded).isEqualTo(uri);
    }
}
