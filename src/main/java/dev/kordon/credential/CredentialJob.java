package dev.kordon.credential;

import dev.kordon.bus.LocalMessage;

/**
 * What the flows ask of the credential verticle over {@link dev.kordon.bus.Addresses#CREDENTIALS}.
 * Each job knows its own work and its reply; none prints the password it carries.
 */
sealed interface CredentialJob extends LocalMessage permits CredentialJob.Verify, CredentialJob.Hash {
    String password();

    /** The work, on a hashing thread; what comes back is the reply. */
    LocalMessage run(PasswordHasher hasher, String dummyHash);

    /** {@link HashQueue#VERIFY} or {@link HashQueue#HASH}: the label of its timings. */
    String op();

    /** The place the flow was admitted with, or null: then the verticle asks for one itself. */
    HashQueue.Place place();

    /**
     * Checks a password against a stored hash; replies a {@link Credentials.Verdict}. A null hash (no
     * account, no password) is checked against the dummy, so it costs the same time, and never matches.
     */
    record Verify(String hash, String password, HashQueue.Place place) implements CredentialJob {
        Verify(String hash, String password) {
            this(hash, password, null);
        }

        @Override
        public LocalMessage run(PasswordHasher hasher, String dummyHash) {
            boolean ok = hasher.verify(hash != null ? hash : dummyHash, password) && hash != null;
            return new Credentials.Verdict(ok, ok && hasher.outdated(hash));
        }

        @Override
        public String op() {
            return HashQueue.VERIFY;
        }

        @Override
        public String toString() {
            return "Verify[password withheld]";
        }
    }

    /** Hashes a new password with today's parameters; replies {@link Hashed}. */
    record Hash(String password) implements CredentialJob {
        @Override
        public HashQueue.Place place() {
            return null;
        }

        @Override
        public LocalMessage run(PasswordHasher hasher, String dummyHash) {
            return new Hashed(hasher.hash(password));
        }

        @Override
        public String op() {
            return HashQueue.HASH;
        }

        @Override
        public String toString() {
            return "Hash[password withheld]";
        }
    }

    /** The reply to {@link Hash}. */
    record Hashed(String hash) implements LocalMessage {
        @Override
        public String toString() {
            return "Hashed[hash withheld]";
        }
    }
}
