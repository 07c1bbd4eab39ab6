"""Issue 18: the demo seed (bulk loads of DataFrames, sequences moved past explicit ids) writes
the same store on PostgreSQL as on DuckDB."""

from __future__ import annotations

from datetime import date

import pytest

from lib.demo import seed_demo
from lib.demo.large import generate_large
from lib.store import Store, bulk, scalar
from tests.conftest import open_store

TODAY = date(2025, 6, 15)
# What must match, row for row, between the engines.
DIGESTS = {
    "customer": "SELECT id, name, search_name, cpf_cnpj, latitude FROM customer ORDER BY id",
    "contract": "SELECT id, customer_id, monthly_fee, due_day FROM contract ORDER BY id",
    "login": "SELECT id, contract_id, username, cto_box FROM login ORDER BY id",
    "ticket": "SELECT id, protocol, status, opened_at, closed_at, responsible_id FROM ticket"
    " ORDER BY id",
    "discount_request": "SELECT ticket_id, decision, minutes, counted_units, computed_amount,"
    " approved_amount, invoice_due_date FROM discount_request ORDER BY ticket_id",
    "movement": "SELECT count(*), min(id), max(id), count(DISTINCT ticket_id) FROM movement",
    "staff": "SELECT username, role FROM staff ORDER BY username",
}


def _seeded(engine: str, tmp_path) -> Store:
    store = open_store(engine, tmp_path)
    store.migrate(demo=True)
    seed_demo(store, today=TODAY, customers=40)
    return store


def test_the_demo_seeds_the_same_rows_on_every_engine(engine, tmp_path):
    reference = _seeded("duckdb", tmp_path / "ref")
    store = _seeded(engine, tmp_path)
    try:
        with reference.read() as ref, store.read() as cur:
            for table, sql in DIGESTS.items():
                expected = ref.execute(sql).fetchall()
                assert cur.execute(sql).fetchall() == expected, table
    finally:
        reference.close()
        store.close()


def test_after_the_demo_every_sequence_is_past_the_ids_it_wrote(engine, tmp_path):
    store = _seeded(engine, tmp_path)
    try:
        with store.transaction() as cur:
            for table, sequence in bulk.SEQUENCES.items():
                top = scalar(cur, f"SELECT max(id) FROM {table}")
                assert scalar(cur, f"SELECT nextval('{sequence}')") > top, table
            assert scalar(cur, "SELECT nextval('seq_protocol')") > bulk.max_protocol_number(cur)
    finally:
        store.close()


def test_the_large_generator_refuses_postgresql_and_writes_nothing(engine, tmp_path):
    """generate_tickets is DuckDB SQL: on PostgreSQL it says how to get a large store there
    (build a DuckDB file, copy it) instead of failing on the first DuckDB-only function."""
    if engine == "duckdb":
        pytest.skip("DuckDB runs the generator (tests/unit/test_demo.py)")
    store = open_store(engine, tmp_path)
    store.migrate(demo=True)
    try:
        with pytest.raises(ValueError, match="lib.admin copy"):
            generate_large(store, 100, today=TODAY)
        with store.read() as cur:
            assert scalar(cur, "SELECT count(*) FROM ticket") == 0
    finally:
        store.close()
