"""Demo or real, decided once (issue 13, item 1): a store records at creation whether it is a
demo, and demo data and users only ever go into a store created as a demo."""

from __future__ import annotations

import pytest

import lib.demo
from lib import admin
from lib.bootstrap import open_store
from lib.demo import seed_demo
from lib.domain import DomainError
from lib.store import Store, identity, scalar


@pytest.fixture
def seeded(monkeypatch):
    """Record start-up's calls to seed_demo instead of building 3,000 customers each time."""
    calls: list[str] = []

    def fake(store: Store, **_: object) -> dict:
        calls.append(store.path)
        with store.transaction() as cur:  # what the real one does first
            if not identity.is_demo(cur):
                raise AssertionError("seed_demo called on a real store")
            cur.execute(
                "INSERT INTO staff (username, name, role, password_hash)"
                " VALUES ('supervisor', 'Demo', 'supervisor', 'x')"
            )
        return {}

    monkeypatch.setattr(lib.demo, "seed_demo", fake)
    return calls


def info(path) -> dict:
    store = Store(path)
    with store.read() as cur:
        found = identity.read(cur)
        found["customers"] = scalar(cur, "SELECT count(*) FROM customer")
        found["staff"] = scalar(cur, "SELECT count(*) FROM staff")
    store.close()
    return found


def test_a_store_created_real_never_gets_the_demo(tmp_path, seeded):
    db = str(tmp_path / "real.duckdb")
    open_store(db, demo=False).close()
    open_store(db, demo=True).close()  # DESCONTO_DEMO=1 later changes nothing
    assert seeded == []
    assert info(db) | {"created_at": None} == {
        "app": "desconto-em-fatura",
        "demo": False,
        "origin": "criada",
        "created_at": None,
        "customers": 0,
        "staff": 0,
    }


def test_a_store_created_as_a_demo_is_filled_once(tmp_path, seeded):
    db = str(tmp_path / "demo.duckdb")
    open_store(db, demo=True).close()
    open_store(db, demo=False).close()  # stays a demo; already filled
    assert seeded == [db]
    assert info(db)["demo"] is True


def test_the_admin_commands_first_supervisor_makes_a_real_store(tmp_path, seeded, monkeypatch):
    db = str(tmp_path / "maria.duckdb")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("senha-forte-1\n"))
    assert (
        admin.main(
            ["create-supervisor", "--db", db, "--username", "maria", "--name", "Maria"]
            + ["--password-stdin"]
        )
        == 0
    )
    monkeypatch.delenv("DESCONTO_DEMO", raising=False)  # the default: demo on for a new store
    open_store(db).close()
    assert seeded == []
    assert info(db)["demo"] is False and info(db)["staff"] == 1


def _legacy(db, *, customers: int, users: list[str]) -> None:
    """A store as the code before migration 060 left it: no store_info, no row 60."""
    store = Store(db)
    store.migrate()
    with store.transaction() as cur:
        cur.execute("DROP TABLE store_info")
        cur.execute("DELETE FROM schema_migration WHERE version = 60")
        for i in range(customers):
            cur.execute(
                "INSERT INTO customer (name, cpf_cnpj) VALUES (?, '52998224725')", [f"c{i}"]
            )
        for u in users:
            cur.execute(
                "INSERT INTO staff (username, name, role, password_hash)"
                " VALUES (?, ?, 'supervisor', 'hash')",
                [u, u],
            )
    store.close()


def test_an_older_store_with_a_real_supervisor_stays_real(tmp_path, seeded, monkeypatch):
    db = str(tmp_path / "antiga.duckdb")
    _legacy(db, customers=0, users=["maria"])
    monkeypatch.delenv("DESCONTO_DEMO", raising=False)
    open_store(db).close()
    assert seeded == []
    found = info(db)
    assert (found["demo"], found["origin"], found["customers"], found["staff"]) == (
        False,
        "anterior",
        0,
        1,
    )


def test_an_older_empty_store_is_not_filled_either(tmp_path, seeded):
    db = str(tmp_path / "antiga-vazia.duckdb")
    _legacy(db, customers=0, users=[])
    open_store(db, demo=True).close()
    assert seeded == [] and info(db)["demo"] is False


def test_an_older_store_holding_the_demo_is_marked_demo(tmp_path, seeded):
    db = str(tmp_path / "antiga-demo.duckdb")
    _legacy(db, customers=3, users=["atendente", "financeiro", "supervisor"])
    open_store(db, demo=False).close()
    assert seeded == []  # it has its data already
    assert info(db)["demo"] is True


def test_seed_demo_itself_refuses_a_real_store(tmp_path):
    store = Store(tmp_path / "real.duckdb")
    store.migrate(demo=False)
    with pytest.raises(DomainError, match="não foi criada como demonstração"):
        seed_demo(store, customers=10)
    with store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM customer") == 0
    store.close()
