-- The charts page's fact table: one row per discount request with the ticket fields the charts
-- read, so a page rerun aggregates one table instead of joining discount_request with ticket
-- (a hash join of millions of rows per rerun on a 10M-ticket store). It is derived data: the
-- report layer (lib/store/reports.py) refreshes it from the tickets whose updated_at moved past
-- the watermark below, and rebuilds it whole when the watermark is NULL.

CREATE TABLE report_discount (
    ticket_id        BIGINT NOT NULL,
    opened_at        TIMESTAMPTZ NOT NULL,   -- discount_request.opened_at (Hora da abertura)
    month            DATE NOT NULL,          -- month of opened_at in São Paulo
    reason           INTEGER NOT NULL,
    decision         VARCHAR NOT NULL,
    method           VARCHAR NOT NULL,
    minutes          INTEGER,
    approved_amount  DECIMAL(12, 2),
    deadline         DATE NOT NULL,
    department_id    INTEGER,
    status           VARCHAR NOT NULL,
    customer_id      INTEGER,
    login_id         INTEGER,
    assume_s         DOUBLE,                 -- ticket opened -> first assumed, seconds
    apply_s          DOUBLE                  -- ticket opened -> discount applied, seconds
);

CREATE TABLE report_state (
    name       VARCHAR PRIMARY KEY,
    watermark  TIMESTAMPTZ
);
