"""The store itself: migrations, zone-aware times, exact money, rollback, the app's first start."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from lib.bootstrap import open_store
from lib.domain import TZ
from lib.store import Store, scalar


def test_migrations_are_recorded_and_a_second_start_changes_nothing(tmp_path):
    store = Store(tmp_path / "m.duckdb")
    applied = store.migrate()
    files = sorted(Path("lib/store/migrations").glob("[0-9][0-9][0-9]_*.sql"))
    assert applied == [int(f.name[:3]) for f in files]
    with store.read() as cur:
        before = cur.execute("SELECT count(*) FROM subject").fetchone()[0]
    assert store.migrate() == []
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM subject").fetchone()[0] == before
    assert store.schema_version() == applied[-1]


def test_times_come_back_zone_aware_and_money_exact(store):
    with store.transaction() as cur:
        cur.execute("CREATE TABLE probe (happened TIMESTAMPTZ, fee DECIMAL(12, 2))")
        cur.execute(
            "INSERT INTO probe VALUES (?, ?)",
            [datetime(2026, 3, 10, 8, 0, tzinfo=TZ), Decimal("99.90")],
        )
    with store.read() as cur:
        at, fee = cur.execute("SELECT happened, fee FROM probe").fetchone()
    assert at.utcoffset().total_seconds() == -3 * 3600 and (at.hour, at.minute) == (8, 0)
    assert fee == Decimal("99.90") and isinstance(fee, Decimal)


def test_a_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction() as cur:
            cur.execute("INSERT INTO department (name) VALUES ('TESTE')")
            raise RuntimeError("boom")
    with store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM department WHERE name = 'TESTE'") == 0


def test_first_start_without_demo_creates_an_empty_store(tmp_path):
    store = open_store(str(tmp_path / "novo" / "app.duckdb"), demo=False)
    with store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM customer") == 0
        assert scalar(cur, "SELECT count(*) FROM staff") == 0
        assert scalar(cur, "SELECT count(*) FROM subject WHERE name = 'DESCONTO EM FATURA'") == 1
