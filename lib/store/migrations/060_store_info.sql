-- Which app a store belongs to and whether it was created as a demo, decided once when the
-- store is created (Store.migrate writes the one row; a store created before this migration
-- gets its row from what it holds: see lib/store/__init__.py, _record_identity). Demo data and
-- demo users are only ever written into a store whose row says demo; the start-up check refuses
-- a DuckDB file whose app is another one.
CREATE TABLE store_info (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    app         VARCHAR NOT NULL,
    demo        BOOLEAN NOT NULL,
    origin      VARCHAR NOT NULL CHECK (origin IN ('criada', 'anterior')),  -- created with it, or before it
    created_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
