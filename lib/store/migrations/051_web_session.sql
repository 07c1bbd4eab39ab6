-- Logins that outlive a page reload (issue 12): the browser keeps a random token in a cookie;
-- the store keeps only its SHA-256, so a copy of the store cannot be replayed as a login.
-- A session ends when it expires, at "Sair", when its user is switched off or gets a new
-- password (revoked_at is set; rows are kept for the record).
CREATE TABLE web_session (
    token_hash      VARCHAR PRIMARY KEY,
    staff_id        INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    revoked_reason  VARCHAR,
    client_address  VARCHAR
);
CREATE INDEX web_session_staff ON web_session (staff_id);
