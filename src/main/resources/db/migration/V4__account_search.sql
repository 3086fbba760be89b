-- The operator's search (admin API, console): by the start of a login and by e-mail whatever its
-- case. Without these every search read the whole table.
CREATE INDEX accounts_login_prefix ON accounts (login text_pattern_ops);
CREATE INDEX accounts_email_lower ON accounts (lower(email));
