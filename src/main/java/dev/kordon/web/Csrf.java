package dev.kordon.web;

import dev.kordon.guard.Secrets;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** CSRF: a random cookie, and in every form its keyed hash, masked afresh for each response. */
final class Csrf {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** HMAC-SHA256: the secret and its mask are this long. */
  private static final int BYTES = 32;

  private final Cookies cookies;
  private final Secrets secrets;

  Csrf(Cookies cookies, Secrets secrets) {
    this.cookies = cookies;
    this.secrets = secrets;
  }

  /** Whether the form's token was made for this browser's cookie. */
  boolean valid(RoutingContext ctx) {
    String cookie = cookies.get(ctx, Cookies.CSRF);
    String presented = ctx.request().getFormAttribute("csrf");
    return cookie != null && presented != null && MessageDigest.isEqual(secret(cookie), unmask(presented));
  }

  /** The token for the next form; the cookie it is bound to is set first if the browser has none. */
  String token(RoutingContext ctx) {
    String cookie = cookies.get(ctx, Cookies.CSRF);
    if (cookie == null) {
      byte[] b = new byte[32];
      RANDOM.nextBytes(b);
      cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      cookies.set(ctx, Cookies.CSRF, cookie, null);
    }
    // Compressed pages also carry text an attacker chose (BREACH): a value that never repeats
    // gives the compression nothing to match. mask || (secret XOR mask).
    byte[] secret = secret(cookie);
    byte[] masked = new byte[2 * BYTES];
    byte[] mask = new byte[BYTES];
    RANDOM.nextBytes(mask);
    for (int i = 0; i < BYTES; i++) {
      masked[i] = mask[i];
      masked[BYTES + i] = (byte) (secret[i] ^ mask[i]);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(masked);
  }

  private byte[] secret(String cookie) {
    return HexFormat.of().parseHex(secrets.keyedHash("csrf", cookie));
  }

  /** The secret a form's masked value carries, or null for anything that is not one. */
  private static byte[] unmask(String presented) {
    byte[] masked;
    try {
      masked = Base64.getUrlDecoder().decode(presented);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (masked.length != 2 * BYTES) {
      return null;
    }
    byte[] secret = new byte[BYTES];
    for (int i = 0; i < BYTES; i++) {
      secret[i] = (byte) (masked[i] ^ masked[BYTES + i]);
    }
    return secret;
  }
}
