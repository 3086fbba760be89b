-- An account's second step (mfa.required-roles, or opted in). Secrets are never here in plain form:
-- the TOTP secret is sealed (AES-GCM under secrets.keys), recovery codes are keyed hashes
-- (HMAC-SHA256), a passkey is a public key.

-- At most one authenticator app an account; unconfirmed until its first code came back.
CREATE TABLE mfa_totp (
    account_id    uuid        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    secret_sealed text        NOT NULL,
    confirmed_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Ten single-use codes shown once at enrolment; a new set replaces the old one.
CREATE TABLE mfa_recovery_codes (
    account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  text        NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, code_hash)
);

-- WebAuthn credentials: the credential id (base64url) and what verifying its assertions needs:
-- the attested credential data (AAGUID, id, COSE public key; base64url), the last signature counter
-- (a counter that goes back marks a cloned authenticator), whether the credential may be synced
-- (the BE flag may never change afterwards), and the transports the browser reported, handed back
-- as hints with each challenge.
CREATE TABLE mfa_passkeys (
    credential_id        text        PRIMARY KEY,
    account_id           uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label                text        NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    attested_credential  text        NOT NULL,
    sign_count           bigint      NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
    backup_eligible      boolean     NOT NULL DEFAULT false,
    transports           text[]      NOT NULL DEFAULT '{}',
    created_at           timestamptz NOT NULL DEFAULT now(),
    last_used_at         timestamptz
);
CREATE INDEX mfa_passkeys_account ON mfa_passkeys (account_id);
