-- Personal accounts. A new account has no password: its first one is issued through recovery.
CREATE TABLE accounts (
    id            uuid        PRIMARY KEY,
    category      text        NOT NULL,
    login         text        NOT NULL,
    tariff        text        NOT NULL,
    email         text        NOT NULL,
    role          text        NOT NULL DEFAULT 'subscriber'
                              CHECK (role IN ('subscriber', 'administrator', 'supervisor')),
    status        text        NOT NULL DEFAULT 'active'
                              CHECK (status IN ('active', 'disabled')),
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_category_login UNIQUE (category, login)
);
