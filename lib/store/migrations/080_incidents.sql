-- Mass outages as incidents (issue 15).
--
-- A NOC role: staff.role's CHECK (001) names three roles, and DuckDB cannot alter or drop a
-- CHECK constraint in place, so the table is rebuilt with the same columns, defaults and
-- sequence, and a CHECK that also allows 'noc'. No other table declares a foreign key to staff
-- (001: the use-cases check references), so dropping and renaming is safe; ids are copied as
-- they are, and seq_staff keeps counting from where it was.
CREATE TABLE staff_080 (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_staff'),
    username       VARCHAR NOT NULL UNIQUE,
    name           VARCHAR NOT NULL,
    email          VARCHAR,
    role           VARCHAR NOT NULL CHECK (role IN ('atendente', 'financeiro', 'supervisor', 'noc')),
    department_id  INTEGER,
    password_hash  VARCHAR,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
INSERT INTO staff_080 (id, username, name, email, role, department_id, password_hash, active, created_at)
    SELECT id, username, name, email, role, department_id, password_hash, active, created_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_080 RENAME TO staff;

-- An incident: reason 3, 4 or 5, its window (ended_at NULL while open), the cause, and its
-- scope as chosen (scope_kind + incident_scope rows: neighbourhoods, CTO boxes or logins).
-- version grows on every change, so a stale screen is refused.
CREATE SEQUENCE seq_incident START 1;
CREATE TABLE incident (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_incident'),
    reason      INTEGER NOT NULL CHECK (reason IN (3, 4, 5)),
    title       VARCHAR NOT NULL,
    cause       VARCHAR NOT NULL DEFAULT '',
    started_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ,
    scope_kind  VARCHAR NOT NULL CHECK (scope_kind IN ('bairro', 'cto', 'login')),
    opened_by   INTEGER,
    opened_at   TIMESTAMPTZ NOT NULL,
    closed_by   INTEGER,
    closed_at   TIMESTAMPTZ,
    version     INTEGER NOT NULL DEFAULT 1,
    idempotency_key VARCHAR UNIQUE,       -- one incident per click of "Abrir incidente"
    demo_key    VARCHAR UNIQUE            -- the demo's own incident name (lib.demo.isp)
);

CREATE TABLE incident_scope (
    incident_id  INTEGER NOT NULL,
    value        VARCHAR NOT NULL,        -- a neighbourhood, a CTO box or a PPPoE login
    PRIMARY KEY (incident_id, value)
);

-- What the scope resolved to when the incident was opened or last changed.
CREATE TABLE incident_member (
    incident_id  INTEGER NOT NULL,
    login_id     INTEGER NOT NULL,
    contract_id  INTEGER,
    customer_id  INTEGER NOT NULL,
    PRIMARY KEY (incident_id, login_id)
);
CREATE INDEX incident_member_login ON incident_member (login_id);

-- The incident's history: who did what, when, and what changed.
CREATE SEQUENCE seq_incident_event START 1;
CREATE TABLE incident_event (
    id           BIGINT PRIMARY KEY DEFAULT nextval('seq_incident_event'),
    incident_id  INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    staff_id     INTEGER,
    kind         VARCHAR NOT NULL,        -- abrir, editar, encerrar, reabrir, vincular, incorporar
    note         VARCHAR NOT NULL DEFAULT ''
);

-- A discount request linked to an incident, and whether the system created it (automatic
-- compensation when the incident closed) rather than an attendant.
ALTER TABLE discount_request ADD COLUMN incident_id INTEGER;
ALTER TABLE discount_request ADD COLUMN automatic BOOLEAN NOT NULL DEFAULT FALSE;

INSERT INTO setting (key, value) VALUES ('incident_auto_compensation', 'false'),
    ('incident_recent_days', '3')
ON CONFLICT DO NOTHING;
