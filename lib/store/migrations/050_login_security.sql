-- Login security (issue 12).
-- Each attempt keeps the client address and, instead of what was typed as the username (which
-- may be a mistyped password, or 200,000 characters), the staff user it named (NULL when no
-- such user exists) and a keyed hash of the typed name, which counts failures per name.
ALTER TABLE login_attempt ADD COLUMN staff_id INTEGER;
ALTER TABLE login_attempt ADD COLUMN name_key VARCHAR;
ALTER TABLE login_attempt ADD COLUMN client_address VARCHAR;
UPDATE login_attempt SET staff_id = (SELECT s.id FROM staff s WHERE s.username = login_attempt.username);
UPDATE login_attempt SET username = '' WHERE staff_id IS NULL;

-- One row per typed name (by its key). Every attempt updates its name's row in the same
-- transaction that records the attempt, before any password is checked: two concurrent attempts
-- for one name then conflict (DuckDB refuses the second writer) instead of both reading the same
-- count. Failures before cleared_at (a successful login, an unlock, a password reset) no longer
-- count towards the lock.
CREATE TABLE login_guard (
    name_key    VARCHAR PRIMARY KEY,
    attempts    BIGINT NOT NULL DEFAULT 0,
    cleared_at  TIMESTAMPTZ
);
CREATE INDEX login_attempt_name_key ON login_attempt (name_key);

-- Random values the server generates once (the key of the name hash above).
CREATE TABLE server_secret (
    name   VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
