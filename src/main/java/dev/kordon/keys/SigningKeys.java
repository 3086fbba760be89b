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
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/**
 * The signing keys. Read from a directory of PEM files: each file is one key and its name (without
 * .pem) is its {@code kid}. EC P-256 keys sign access tokens (ES256); RSA keys, when there are any,
 * sign OpenID Connect ID tokens (RS256). Of each kind the private key whose file name sorts last
 * signs and every key verifies, so rotation is: add a newer key, wait one token lifetime, remove the
 * old one. A file with only a PUBLIC KEY block verifies and never signs.
 */
public final class SigningKeys {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** NIST SP 800-57 and RFC 7518 §3.3: an RS256 key has at least 2048 bits. */
    static final int RSA_MIN_BITS = 2048;

    /** One key: a public half always, a private half when it may sign. */
    public record Key(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {}

    /** One RS256 key for ID tokens: a public half always, a private half when it may sign. */
    public record RsaKey(String kid, RSAPublicKey publicKey, RSAPrivateKey privateKey) {}

    private final List<Key> keys;
    private final Key signer;
    private final List<RsaKey> rsa;
    private final RsaKey rsaSigner;

    private SigningKeys(List<Key> keys, List<RsaKey> rsa) {
        this.keys = List.copyOf(keys);
        this.rsa = List.copyOf(rsa);
        RsaKey lastRsa = null;
        for (RsaKey k : rsa) {
            if (k.privateKey() != null) {
                lastRsa = k;
            }
        }
        this.rsaSigner = lastRsa;
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
        List<RsaKey> rsa = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String kid = name.substring(0, name.length() - 4);
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            if (isRsa(kid, pem)) {
                rsa.add(parseRsa(kid, pem));
            } else {
                keys.add(parse(kid, pem));
            }
        }
        return new SigningKeys(keys, rsa);
    }

    /**
     * A fresh P-256 key named {@code kid} and a fresh RSA-2048 key named {@code kid-id}, living only
     * as long as the process (dev mode, the command line, tests).
     */
    public static SigningKeys generate(String kid) throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(RSA_MIN_BITS);
        KeyPair rsaPair = rsaGen.generateKeyPair();
        return new SigningKeys(
                List.of(new Key(kid, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate())),
                List.of(new RsaKey(
                        kid + "-id", (RSAPublicKey) rsaPair.getPublic(), (RSAPrivateKey) rsaPair.getPrivate())));
    }

    /** Whether the PEM holds an RSA key: read from its algorithm identifier, not guessed from a failure. */
    private static boolean isRsa(String kid, String pem) throws GeneralSecurityException {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            return false; // parse() says what is wrong
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        ASN1ObjectIdentifier alg;
        try {
            alg = switch (m.group(1)) {
                case "PRIVATE KEY" ->
                    PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
                case "PUBLIC KEY" ->
                    SubjectPublicKeyInfo.getInstance(der).getAlgorithm().getAlgorithm();
                default -> X9ObjectIdentifiers.id_ecPublicKey;
            };
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("key " + kid + ": not a PKCS#8 or X.509 key: " + e.getMessage());
        }
        if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return true;
        }
        if (!alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            throw new GeneralSecurityException("key " + kid + ": an EC P-256 key (ES256) or an RSA key (RS256)"
                    + " is expected, got algorithm " + alg.getId());
        }
        return false;
    }

    static RsaKey parseRsa(String kid, String pem) throws GeneralSecurityException {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException("key " + kid + ": no PEM block");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        if (m.group(1).equals("PUBLIC KEY")) {
            RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der));
            requireRsaBits(kid, pub.getModulus().bitLength());
            return new RsaKey(kid, pub, null);
        }
        RSAPrivateKey priv = (RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
        requireRsaBits(kid, priv.getModulus().bitLength());
        if (!(priv instanceof RSAPrivateCrtKey crt)) {
            throw new GeneralSecurityException("key " + kid + ": the RSA private key carries no public exponent");
        }
        RSAPublicKey pub =
                (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        return new RsaKey(kid, pub, priv);
    }

    private static void requireRsaBits(String kid, int bits) throws GeneralSecurityException {
        if (bits < RSA_MIN_BITS) {
            throw new GeneralSecurityException("key " + kid + ": RS256 needs an RSA key of at least " + RSA_MIN_BITS
                    + " bits, got " + bits + " (make one with: openssl genpkey -algorithm RSA"
                    + " -pkeyopt rsa_keygen_bits:3072)");
        }
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

    /** The RSA keys (ID tokens), in file-name order; empty when the folder holds none. */
    public List<RsaKey> rsa() {
        return rsa;
    }

    /** The RSA private key whose file name sorts last: it signs ID tokens. Null when none may sign. */
    public RsaKey rsaSigner() {
        return rsaSigner;
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

    /** The public JWK of one RSA key (RFC 7518 §6.3.1): n and e unsigned, big-endian, base64url. */
    public static JsonObject jwk(RsaKey key) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new JsonObject()
                .put("kty", "RSA")
                .put("use", "sig")
                .put("alg", "RS256")
                .put("kid", key.kid())
                .put("n", b64.encodeToString(unsigned(key.publicKey().getModulus())))
                .put("e", b64.encodeToString(unsigned(key.publicKey().getPublicExponent())));
    }

    /** BigInteger's bytes without the sign byte it adds when the top bit is set. */
    private static byte[] unsigned(BigInteger v) {
        byte[] raw = v.toByteArray();
        if (raw.length > 1 && raw[0] == 0) {
            return java.util.Arrays.copyOfRange(raw, 1, raw.length);
        }
        return raw;
    }
}
