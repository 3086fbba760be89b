package dev.kordon.keys;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/**
 * The ES256 keys. Read from a directory of PEM files: each file is one key and its name (without
 * .pem) is its {@code kid}. The private key whose file name sorts last signs; every key verifies,
 * so rotation is: add a newer key, wait one access-token lifetime, remove the old one. A file with
 * only a PUBLIC KEY block verifies and never signs.
 */
public final class SigningKeys {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** One key: a public half always, a private half when it may sign. */
    public record Key(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {}

    private final List<Key> keys;
    private final Key signer;

    private SigningKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
        Key last = null;
        for (Key k : keys) {
            if (k.privateKey() != null) {
                last = k;
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("no EC private key (PKCS#8 'PRIVATE KEY' PEM) among the keys");
        }
        this.signer = last;
    }

    public static SigningKeys load(Path dir) throws IOException, GeneralSecurityException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".pem"))
                    .sorted()
                    .toList();
        }
        List<Key> keys = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String kid = name.substring(0, name.length() - 4);
            keys.add(parse(kid, Files.readString(file, StandardCharsets.US_ASCII)));
        }
        return new SigningKeys(keys);
    }

    /** One fresh P-256 key that lives only as long as the process (dev mode, tests). */
    public static SigningKeys generate(String kid) throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        return new SigningKeys(List.of(new Key(kid, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate())));
    }

    static Key parse(String kid, String pem) throws GeneralSecurityException {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException("key " + kid + ": no PEM block");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        KeyFactory ec = KeyFactory.getInstance("EC");
        switch (m.group(1)) {
            case "PRIVATE KEY" -> {
                ECPrivateKey priv = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(der));
                requireP256(kid, priv.getParams().getCurve().getField().getFieldSize());
                return new Key(kid, publicOf(priv, ec), priv);
            }
            case "PUBLIC KEY" -> {
                ECPublicKey pub = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(der));
                requireP256(kid, pub.getParams().getCurve().getField().getFieldSize());
                return new Key(kid, pub, null);
            }
            default ->
                throw new GeneralSecurityException("key " + kid + ": expected a PKCS#8 'PRIVATE KEY' or a 'PUBLIC KEY' "
                        + "(convert with: openssl pkcs8 -topk8 -nocrypt)");
        }
    }

    private static void requireP256(String kid, int bits) throws GeneralSecurityException {
        if (bits != 256) {
            throw new GeneralSecurityException("key " + kid + ": ES256 needs a P-256 key, got " + bits + " bits");
        }
    }

    /** The public point is d·G; the JDK offers no way to get it from a PKCS#8 key alone. */
    private static ECPublicKey publicOf(ECPrivateKey priv, KeyFactory ec) throws GeneralSecurityException {
        ECNamedCurveParameterSpec p256 = ECNamedCurveTable.getParameterSpec("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = p256.getG().multiply(priv.getS()).normalize();
        ECPoint w = new ECPoint(
                q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return (ECPublicKey) ec.generatePublic(new ECPublicKeySpec(w, priv.getParams()));
    }

    public Key signer() {
        return signer;
    }

    public List<Key> all() {
        return keys;
    }

    public boolean knows(String kid) {
        return keys.stream().anyMatch(k -> k.kid().equals(kid));
    }

    /** The public JWK of one key (RFC 7517/7518). */
    public static JsonObject jwk(Key key) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new JsonObject()
                .put("kty", "EC")
                .put("crv", "P-256")
                .put("use", "sig")
                .put("alg", "ES256")
                .put("kid", key.kid())
                .put("x", b64.encodeToString(coordinate(key.publicKey().getW().getAffineX())))
                .put("y", b64.encodeToString(coordinate(key.publicKey().getW().getAffineY())));
    }

    private static byte[] coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
