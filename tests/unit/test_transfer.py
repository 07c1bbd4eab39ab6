"""Issue 18: `python -m lib.admin copy` moves a whole store between engines; a DuckDB ->
PostgreSQL -> DuckDB round trip gives identical tables and sequences."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lib.store import Store, transfer
from tests.conftest import PG_URL, pg_schema_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_source(tmp_path):
    from lib.demo import seed_demo

    store = Store(tmp_path / "source.duckdb")
    store.migrate(demo=True)
    seed_demo(store, customers=60)
    yield store
    store.close()


def _contents(store: Store) -> tuple[dict, dict]:
    with store.read() as cur:
        rows = {
            t: sorted(map(repr, cur.execute(f'SELECT * FROM "{t}"').fetchall()))
            for t in transfer.tables(cur)
        }
        return rows, transfer.sequences(cur)


def test_a_duckdb_copy_is_identical_tables_and_sequences(demo_source, tmp_path):
    dest = Store(tmp_path / "copy.duckdb")
    copied = transfer.copy_store(demo_source, dest)
    assert copied["ticket"] > 0 and copied["customer"] == 60
    assert _contents(dest) == _contents(demo_source)
    dest.close()


@pytest.mark.skipif(not PG_URL, reason="needs DESCONTO_TEST_PG (make test starts one)")
def test_duckdb_to_postgresql_and_back_is_identical(demo_source, tmp_path):
    from lib.store.pg import PgStore

    pg = PgStore(pg_schema_url("copy"))
    try:
        transfer.copy_store(demo_source, pg)
        back = Store(tmp_path / "back.duckdb")
        transfer.copy_store(pg, back)
        assert _contents(back) == _contents(demo_source)
        back.close()
    finally:
        pg.close()


def test_the_command_refuses_to_write_over_an_existing_file(demo_source, tmp_path):
    existing = tmp_path / "existing.duckdb"
    existing.write_bytes(b"")
    demo_source.close()
    done = subprocess.run(
        [sys.executable, "-m", "lib.admin", "copy", "--from", demo_source.path, "--to",
         str(existing)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "já existe" in done.stderr and "Traceback" not in done.stderr
    fresh = tmp_path / "fresh.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "lib.admin", "copy", "--from", demo_source.path, "--to",
         str(fresh)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Cópia conferida" in done.stdout


def test_a_postgresql_password_is_never_shown():
    from lib.store import shown

    assert shown("postgresql://app:s3cr@t:x@db.isp:5432/desconto") == (
        "postgresql://app:***@db.isp:5432/desconto"
    )
    assert shown("postgres://app@db/desconto") == "postgres://app@db/desconto"
    assert shown("/srv/data/desconto.duckdb") == "/srv/data/desconto.duckdb"


def test_a_migration_for_one_engine_is_recorded_on_both(store):
    """100_postgresql_indexes.sql creates indexes on PostgreSQL only; both engines record it,
    so their stores have the same versions (and copy into each other)."""
    from lib.store import migration_engine

    assert migration_engine("-- engine: postgresql\nCREATE INDEX i ON t (c);") == "postgresql"
    assert migration_engine("CREATE TABLE t (c INTEGER);") is None
    assert store.schema_version() >= 100
    with store.read() as cur:
        if store.engine == "postgresql":
            found = cur.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'ticket_opened_at_id'"
                " AND schemaname = current_schema()"
            ).fetchone()[0]
        else:
            found = cur.execute(
                "SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'ticket_opened_at_id'"
            ).fetchone()[0]
    assert found == (1 if store.engine == "postgresql" else 0)
