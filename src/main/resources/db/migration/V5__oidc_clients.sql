-- The OpenID Connect clients the operator registered (RFC 7591 metadata). A confidential client's
-- secret is kept only as a keyed hash (HMAC-SHA256 under a key derived from secrets.keys); a public
-- client (token_endpoint_auth_method none) has none, and the check below holds that both ways.
CREATE TABLE oidc_clients (
    client_id                  text        PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    client_name                text        NOT NULL CHECK (char_length(client_name) BETWEEN 1 AND 200),
    token_endpoint_auth_method text        NOT NULL
                                           CHECK (token_endpoint_auth_method IN
                                                  ('client_secret_basic', 'client_secret_post', 'none')),
    redirect_uris              text[]      NOT NULL CHECK (cardinality(redirect_uris) >= 1),
    post_logout_redirect_uris  text[]      NOT NULL DEFAULT '{}',
    backchannel_logout_uri     text,
    scope                      text        NOT NULL,
    secret_hash                text,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT oidc_clients_secret_iff_confidential
        CHECK ((token_endpoint_auth_method = 'none') = (secret_hash IS NULL))
);
