-- Initial schema. Ticket fields follow IXC Soft's su_ticket (codes kept as IXC writes them);
-- movements follow su_mensagens. Money is DECIMAL(12,2); times are TIMESTAMPTZ.
-- No FOREIGN KEY clauses: DuckDB refuses to update a UNIQUE column (a subject's or a
-- department's name) of a row another table references; the use-cases check references instead.

CREATE SEQUENCE seq_department START 1;
CREATE TABLE department (
    id      INTEGER PRIMARY KEY DEFAULT nextval('seq_department'),
    name    VARCHAR NOT NULL UNIQUE,
    active  BOOLEAN NOT NULL DEFAULT TRUE
);

-- Staff are the people tickets are assigned to; those with a password hash can log in.
CREATE SEQUENCE seq_staff START 1;
CREATE TABLE staff (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_staff'),
    username       VARCHAR NOT NULL UNIQUE,
    name           VARCHAR NOT NULL,
    email          VARCHAR,
    role           VARCHAR NOT NULL CHECK (role IN ('atendente', 'financeiro', 'supervisor')),
    department_id  INTEGER,
    password_hash  VARCHAR,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE seq_login_attempt START 1;
CREATE TABLE login_attempt (
    id        BIGINT PRIMARY KEY DEFAULT nextval('seq_login_attempt'),
    username  VARCHAR NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL,
    success   BOOLEAN NOT NULL,
    detail    VARCHAR
);

CREATE SEQUENCE seq_customer START 1;
CREATE TABLE customer (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_customer'),
    name           VARCHAR NOT NULL,
    cpf_cnpj       VARCHAR NOT NULL,      -- digits only
    phones         VARCHAR,               -- digits, several separated by ', '
    email          VARCHAR,
    address        VARCHAR,
    neighbourhood  VARCHAR,
    city           VARCHAR,
    latitude       DOUBLE,
    longitude      DOUBLE
);

CREATE SEQUENCE seq_contract START 1000;
CREATE TABLE contract (
    id           INTEGER PRIMARY KEY DEFAULT nextval('seq_contract'),
    customer_id  INTEGER NOT NULL,
    plan         VARCHAR NOT NULL,
    monthly_fee  DECIMAL(12, 2) NOT NULL CHECK (monthly_fee >= 0),
    due_day      INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 28),
    status       VARCHAR NOT NULL DEFAULT 'A',   -- A ativo, S suspenso, C cancelado
    address      VARCHAR,
    latitude     DOUBLE,
    longitude    DOUBLE,
    started_on   DATE
);

CREATE SEQUENCE seq_login START 1;
CREATE TABLE login (
    id             INTEGER PRIMARY KEY DEFAULT nextval('seq_login'),
    customer_id    INTEGER NOT NULL,
    contract_id    INTEGER,
    username       VARCHAR NOT NULL UNIQUE,     -- PPPoE user
    address        VARCHAR,
    neighbourhood  VARCHAR,
    latitude       DOUBLE,
    longitude      DOUBLE,
    cto_box        VARCHAR                       -- CTO/NAP box the login hangs from
);

CREATE SEQUENCE seq_subject START 1;
CREATE TABLE subject (
    id              INTEGER PRIMARY KEY DEFAULT nextval('seq_subject'),
    name            VARCHAR NOT NULL UNIQUE,
    description     VARCHAR NOT NULL DEFAULT '',
    department_id   INTEGER,
    priority        VARCHAR NOT NULL DEFAULT 'M' CHECK (priority IN ('B', 'M', 'A', 'C')),
    login_required  BOOLEAN NOT NULL DEFAULT FALSE,
    active          BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE SEQUENCE seq_canned_response START 1;
CREATE TABLE canned_response (
    id      INTEGER PRIMARY KEY DEFAULT nextval('seq_canned_response'),
    title   VARCHAR NOT NULL UNIQUE,
    body    VARCHAR NOT NULL,
    active  BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE SEQUENCE seq_process START 1;
CREATE TABLE process (
    id           INTEGER PRIMARY KEY DEFAULT nextval('seq_process'),
    name         VARCHAR NOT NULL UNIQUE,
    description  VARCHAR NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE SEQUENCE seq_complementary_status START 1;
CREATE TABLE complementary_status (
    id      INTEGER PRIMARY KEY DEFAULT nextval('seq_complementary_status'),
    name    VARCHAR NOT NULL UNIQUE,
    active  BOOLEAN NOT NULL DEFAULT TRUE
);

-- The protocol is the year followed by this sequence, zero-padded to 8 digits: 12 digits, never reused.
CREATE SEQUENCE seq_protocol START 1;
CREATE SEQUENCE seq_ticket START 1;
CREATE TABLE ticket (
    id                       BIGINT PRIMARY KEY DEFAULT nextval('seq_ticket'),
    protocol                 VARCHAR NOT NULL UNIQUE,
    idempotency_key          VARCHAR UNIQUE,
    customer_id              INTEGER,
    login_id                 INTEGER,
    contract_id              INTEGER,
    subject_id               INTEGER NOT NULL,
    subject_description      VARCHAR NOT NULL DEFAULT '',
    address_origin           VARCHAR NOT NULL DEFAULT 'C' CHECK (address_origin IN ('C', 'L', 'CC', 'M')),
    address                  VARCHAR,
    latitude                 DOUBLE,
    longitude                DOUBLE,
    process_id               INTEGER,
    department_id            INTEGER NOT NULL,
    responsible_id           INTEGER,
    priority                 VARCHAR NOT NULL DEFAULT 'M' CHECK (priority IN ('B', 'M', 'A', 'C')),
    reserved_date            DATE,
    best_time                VARCHAR CHECK (best_time IN ('M', 'T', 'N', 'Q')),
    origin                   VARCHAR NOT NULL DEFAULT 'I' CHECK (origin IN ('I', 'H')),
    canned_response_id       INTEGER,
    message                  VARCHAR NOT NULL DEFAULT '',
    pending_interaction      VARCHAR NOT NULL DEFAULT 'N' CHECK (pending_interaction IN ('A', 'E', 'I', 'N')),
    status                   VARCHAR NOT NULL DEFAULT 'N' CHECK (status IN ('N', 'P', 'EP', 'S', 'C')),
    complementary_status_id  INTEGER,
    opened_at                TIMESTAMPTZ NOT NULL,
    opened_by                INTEGER,
    assumed_at               TIMESTAMPTZ,
    closed_at                TIMESTAMPTZ,
    updated_at               TIMESTAMPTZ NOT NULL
);

-- Every change of a ticket: who, when, from which status to which, and a note.
CREATE SEQUENCE seq_movement START 1;
CREATE TABLE movement (
    id                  BIGINT PRIMARY KEY DEFAULT nextval('seq_movement'),
    ticket_id           BIGINT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    staff_id            INTEGER,
    kind                VARCHAR NOT NULL,
    from_status         VARCHAR,
    to_status           VARCHAR,
    from_department_id  INTEGER,
    to_department_id    INTEGER,
    note                VARCHAR NOT NULL DEFAULT '',
    customer_visible    BOOLEAN NOT NULL DEFAULT FALSE
);

-- One per DESCONTO EM FATURA ticket: the procedure's fields, the inputs and result of the
-- calculation, and finance's decision.
CREATE TABLE discount_request (
    ticket_id            BIGINT PRIMARY KEY,
    contract_id          INTEGER NOT NULL,
    reason               INTEGER NOT NULL CHECK (reason BETWEEN 1 AND 5),
    reason_details       VARCHAR NOT NULL DEFAULT '{}',   -- JSON: visit dates, finding, incident
    description          VARCHAR NOT NULL DEFAULT '',
    occurred_on          DATE NOT NULL,
    opened_at            TIMESTAMPTZ NOT NULL,             -- Hora da abertura do chamado
    incident_started_at  TIMESTAMPTZ,                      -- reasons 3-5: known start of the incident
    signal_returned_at   TIMESTAMPTZ,                      -- NULL while the signal has not come back
    method               VARCHAR NOT NULL,
    monthly_fee          DECIMAL(12, 2) NOT NULL,           -- snapshot of the fee used
    minutes              INTEGER,
    counted_units        DECIMAL(14, 4),                    -- minutes, hours or days, by method
    computed_amount      DECIMAL(12, 2),
    approved_amount      DECIMAL(12, 2),
    adjustment_reason    VARCHAR,
    decision             VARCHAR NOT NULL CHECK (decision IN
                           ('aguardando_retorno', 'pendente', 'aprovado', 'reprovado', 'aplicado', 'cancelado')),
    decision_reason      VARCHAR,
    decided_by           INTEGER,
    decided_at           TIMESTAMPTZ,
    invoice_due_date     DATE,
    applied_at           TIMESTAMPTZ,
    applied_by           INTEGER,
    opa_protocol         VARCHAR NOT NULL,
    deadline             DATE NOT NULL
);

CREATE TABLE setting (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL          -- JSON
);
