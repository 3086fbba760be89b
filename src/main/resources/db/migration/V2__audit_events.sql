-- Security events: who, what, from where. Never a secret: no passwords, codes or tokens.
CREATE TABLE audit_events (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    event      text        NOT NULL,
    account_id uuid,
    category   text,
    login      text,
    ip         text,
    detail     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_login ON audit_events (category, login, at DESC);
CREATE INDEX audit_events_account ON audit_events (account_id, at DESC);
