-- Named operators of the console: one account per person, so the audit names who did what rather
-- than the shared admin token (which stays for the admin API and as the console's break-glass).
-- No secret is here in plain form: the password is an Argon2id hash, the TOTP secret is sealed
-- (AES-GCM under secrets.keys), recovery codes are keyed hashes (HMAC-SHA256).
CREATE TABLE operators (
    id                  uuid        PRIMARY KEY,
    name                text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name        text        NOT NULL CHECK (char_length(display_name) <= 200),
    email               text        NOT NULL CHECK (char_length(email) <= 254),
    password_hash       text        NOT NULL,
    -- A temporary password from the admin API or the command line must be changed at the first sign-in.
    must_change         boolean     NOT NULL DEFAULT true,
    totp_sealed         text,
    totp_confirmed_at   timestamptz,
    disabled            boolean     NOT NULL DEFAULT false,
    -- A console session names the epoch it was opened in: a disable or a reset moves it on, and
    -- every session opened before ends at its next request.
    session_epoch       integer     NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at     timestamptz
);

-- Ten single-use codes shown once at enrolment; a new set replaces the old one.
CREATE TABLE operator_recovery_codes (
    operator_id uuid        NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    code_hash   text        NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (operator_id, code_hash)
);
