-- The audit log (issue 12): who changed what, when, from which value to which, and from which
-- client address. Append-only: lib.store.audit offers only `append` and reads, and a unit test
-- fails if any code outside this migration updates or deletes its rows (DuckDB has no triggers
-- or grants to enforce it in the database itself).
CREATE SEQUENCE seq_audit_log START 1;
CREATE TABLE audit_log (
    id              BIGINT PRIMARY KEY DEFAULT nextval('seq_audit_log'),
    logged_at       TIMESTAMPTZ NOT NULL,
    actor_id        INTEGER,                -- NULL: the server's command line
    actor           VARCHAR NOT NULL,       -- the actor's username at the time
    action          VARCHAR NOT NULL,       -- a code of lib.usecases.audit.ACTIONS
    target          VARCHAR NOT NULL,       -- what changed, in words: "usuário maria", "assunto #3"
    field           VARCHAR,
    old_value       VARCHAR,
    new_value       VARCHAR,
    client_address  VARCHAR
);
CREATE INDEX audit_log_at ON audit_log (logged_at);
