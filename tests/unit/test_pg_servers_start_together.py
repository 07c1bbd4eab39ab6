"""Issue 18: several app servers on one PostgreSQL database start at the same time (a deploy, a
reboot). Each PgStore defines the PostgreSQL versions of DuckDB's spellings when it opens
(PREAMBLE); run by several processes at once, PostgreSQL refused the concurrent CREATE OR REPLACE
("tuple concurrently updated") or the second CREATE DOMAIN, and that server did not start."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import PG_URL, pg_schema_url

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs DESCONTO_TEST_PG (make test starts one)")

SERVERS = 4
ROUNDS = 6


def _open_at_once(url: str) -> list[str]:
    """Open SERVERS stores on `url` at the same instant; what each one raised."""
    from lib.store.pg import PgStore

    barrier = threading.Barrier(SERVERS)
    failures: list[str] = []

    def server() -> None:
        barrier.wait()
        try:
            PgStore(url, max_size=1).close()
        except Exception as exc:  # what a server's start would have died of
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=server) for _ in range(SERVERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return failures


def test_servers_starting_together_on_a_new_database_all_open():
    failures = [f for _ in range(ROUNDS) for f in _open_at_once(pg_schema_url("start"))]
    assert failures == []


def test_servers_restarting_together_on_a_database_in_use_all_open():
    from lib.store.pg import PgStore

    url = pg_schema_url("restart")
    PgStore(url, max_size=1).close()  # set up by an earlier start
    failures = [f for _ in range(ROUNDS) for f in _open_at_once(url)]
    assert failures == []


def test_servers_first_start_together_on_an_empty_database_all_migrate():
    """Each server migrates the new database at start: one applies the migrations, the others
    find them applied (before: all but one died on the tables the first had created)."""
    from lib.store.pg import PgStore

    url = pg_schema_url("first")
    stores = [PgStore(url, max_size=1) for _ in range(2)]  # opened (PREAMBLE) one after other
    barrier = threading.Barrier(2)
    applied: list[list[int]] = []
    failures: list[str] = []

    def server(store: PgStore) -> None:
        try:
            barrier.wait(60)
            applied.append(store.migrate())
        except Exception as exc:  # what that server's start would have died of
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=server, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert failures == []
        assert sorted(map(len, applied))[0] == 0  # the second found everything applied
        with stores[0].read() as cur:
            versions = [
                r[0] for r in cur.execute("SELECT version FROM schema_migration").fetchall()
            ]
        assert len(versions) == max(map(len, applied)) > 0
    finally:
        for s in stores:
            s.close()
