package dev.kordon.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.Base64;

/** Keys written as an operator writes them: one PEM file each, PKCS#8 or X.509, in the keys folder. */
public final class SigningKeysPem {
    private SigningKeysPem() {}

    /** A PKCS#8 {@code PRIVATE KEY} block, as {@code openssl genpkey} writes it. */
    public static void writePrivate(Path file, Key key) throws IOException {
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    /** An X.509 {@code PUBLIC KEY} block, as {@code openssl pkey -pubout} writes it. */
    public static void writePublic(Path file, Key key) throws IOException {
        Files.writeString(file, pem("PUBLIC KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
