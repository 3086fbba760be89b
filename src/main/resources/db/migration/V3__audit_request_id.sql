-- The request an event happened in (its X-Request-Id), to find its log lines.
ALTER TABLE audit_events ADD COLUMN request_id text;
