-- Real customers in, approved discounts out (issue 14).
-- * customers, contracts and logins remember their id in IXC Soft (`ixc_id`): an import or a
--   sync is keyed by it, so running it again updates and never duplicates. A row created by
--   hand has none. The unique indexes are the guarantee (NULLs do not collide).
-- * every import and sync leaves one row in `ixc_import` with its counts.
-- * billing batches: finance sends approved discounts to billing in a batch
--   (`billing_batch`), one row per discount in `billing_batch_item` with its outcome.
--   `billing_pending` holds the discounts out in billing right now, one row per discount
--   (its primary key): two batches created at once cannot both take the same discount.
--   A refusal by billing removes the row (the discount is back in finance's queue); the item
--   keeps the history.

ALTER TABLE customer ADD COLUMN ixc_id BIGINT;
ALTER TABLE contract ADD COLUMN ixc_id BIGINT;
ALTER TABLE login ADD COLUMN ixc_id BIGINT;
CREATE UNIQUE INDEX customer_ixc_id ON customer (ixc_id);
CREATE UNIQUE INDEX contract_ixc_id ON contract (ixc_id);
CREATE UNIQUE INDEX login_ixc_id ON login (ixc_id);

CREATE SEQUENCE seq_ixc_import START 1;
CREATE TABLE ixc_import (
    id          INTEGER PRIMARY KEY DEFAULT nextval('seq_ixc_import'),
    source      VARCHAR NOT NULL CHECK (source IN ('arquivo', 'api')),
    kind        VARCHAR NOT NULL CHECK (kind IN ('cliente', 'cliente_contrato', 'radusuarios')),
    file_name   VARCHAR NOT NULL DEFAULT '',
    staff_id    INTEGER,
    started_at  TIMESTAMPTZ NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    refused     INTEGER NOT NULL
);

CREATE SEQUENCE seq_billing_batch START 1;
CREATE TABLE billing_batch (
    id               INTEGER PRIMARY KEY DEFAULT nextval('seq_billing_batch'),
    period_start     DATE NOT NULL,
    period_end       DATE NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    created_by       INTEGER NOT NULL,
    idempotency_key  VARCHAR UNIQUE,
    closed_at        TIMESTAMPTZ,
    closed_by        INTEGER,
    pushed_at        TIMESTAMPTZ
);

CREATE TABLE billing_batch_item (
    batch_id         INTEGER NOT NULL,
    ticket_id        BIGINT NOT NULL,
    contract_ref     VARCHAR NOT NULL,          -- the contract id billing knows (IXC's, or ours)
    target_due_date  DATE NOT NULL,             -- the invoice the discount is meant for
    amount           DECIMAL(12, 2) NOT NULL,   -- the approved amount when sent
    description      VARCHAR NOT NULL,
    outcome          VARCHAR NOT NULL DEFAULT 'enviado'
                       CHECK (outcome IN ('enviado', 'aplicado', 'recusado')),
    outcome_reason   VARCHAR,
    invoice_number   VARCHAR,
    invoice_due_date DATE,
    outcome_at       TIMESTAMPTZ,
    outcome_by       INTEGER,
    PRIMARY KEY (batch_id, ticket_id)
);

CREATE TABLE billing_pending (
    ticket_id  BIGINT PRIMARY KEY,
    batch_id   INTEGER NOT NULL
);
