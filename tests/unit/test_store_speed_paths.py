"""Issue 17: the write path, the start-up fill and the server's DuckDB settings take the cheap
path. No timings here (bench/ prints those): each test checks the plan or the setting that
made the difference."""

from __future__ import annotations

import threading

import duckdb
import pytest

from lib import config, runtime
from lib.store import ConstraintError, Store, catalog, scalar
from lib.store import tickets as tk
from lib.store.bench_data import add_customers
from lib.usecases import discount_requests
from tests.unit.test_services import NOW, request


def plan(cur, sql: str, params: list) -> str:
    return "\n".join(r[1] for r in cur.execute("EXPLAIN " + sql, params).fetchall())


def _ticket_values(cur, key: str, protocol: str) -> dict:
    return {
        "protocol": protocol,
        "idempotency_key": key,
        "subject_id": scalar(cur, "SELECT min(id) FROM subject"),
        "subject_description": "",
        "department_id": scalar(cur, "SELECT min(id) FROM department"),
        "status": "N",
        "opened_at": NOW,
        "updated_at": NOW,
        "message": "",
    }


@pytest.mark.duckdb_only("DuckDB's EXPLAIN plan")
def test_insert_ticket_is_a_plain_insert_without_a_conflict_clause(world):
    """`ON CONFLICT` made DuckDB plan a join against `ticket` on every save (a MERGE over every
    ticket when unnamed, a hash join on the key when named: 2.3 ms of a 12 ms save at 1M). The
    key's UNIQUE index refuses a duplicate anyway, so the save inserts plainly."""
    seen: list[str] = []
    with world.store.transaction() as cur:
        real = cur.execute

        class Spy:
            def execute(self, sql, params=None):
                if sql.startswith("INSERT INTO ticket"):
                    seen.append(sql)
                    seen.append(plan(cur, sql, params))
                return real(sql, params or [])

            def __getattr__(self, name):
                return getattr(cur, name)

        ticket_id = tk.insert_ticket(Spy(), _ticket_values(cur, "plan-check", "202600000999"))  # type: ignore[arg-type]
    assert ticket_id > 0
    assert seen, "insert_ticket ran no INSERT"
    sql, shown = seen
    assert "ON CONFLICT" not in sql.upper(), sql
    assert "Join" not in shown and "MERGE" not in shown.upper(), shown


def test_a_taken_key_raises_key_taken_and_other_constraints_still_raise(world):
    with world.store.transaction() as cur:
        tk.insert_ticket(cur, _ticket_values(cur, "taken", "202600000997"))
    # shown only when the other save rolled back too: it must not claim anything was saved
    with (
        pytest.raises(tk.KeyTaken, match="Confira em Atendimentos se ele foi aberto"),
        world.store.transaction() as cur,
    ):
        tk.insert_ticket(cur, _ticket_values(cur, "taken", "202600000996"))
    # a duplicate protocol is not a double click: it is not mistaken for one
    with pytest.raises(ConstraintError), world.store.transaction() as cur:
        tk.insert_ticket(cur, _ticket_values(cur, "other-key", "202600000997"))


def test_two_saves_of_one_key_racing_past_the_lookup_open_one_request(world, monkeypatch):
    """Both tabs look the key up before either inserts (the lookup is held at a barrier): one
    commits, the other rolls back on the key's UNIQUE index and returns the first's protocol."""
    barrier = threading.Barrier(2, timeout=10)
    real_lookup = tk.ticket_id_by_key
    calls = {"n": 0}

    def lookup(cur, key):
        found = real_lookup(cur, key)
        calls["n"] += 1
        if calls["n"] <= 2:  # the two saves' first lookups, inside their transactions
            barrier.wait()
        return found

    monkeypatch.setattr(tk, "ticket_id_by_key", lookup)
    results: list = []
    errors: list = []

    def save() -> None:
        try:
            results.append(
                discount_requests.open_discount_request(
                    world.store, world.atendente, request(world), "race-key", now=NOW
                )
            )
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].ticket_id == results[1].ticket_id
    assert results[0].protocol == results[1].protocol
    with world.store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM ticket WHERE idempotency_key = 'race-key'") == 1
        assert (
            scalar(
                cur,
                "SELECT count(*) FROM discount_request d JOIN ticket t ON t.id = d.ticket_id"
                " WHERE t.idempotency_key = 'race-key'",
            )
            == 1
        )


def test_the_same_key_twice_still_returns_the_first_request(world):
    first = discount_requests.open_discount_request(
        world.store, world.atendente, request(world), "same-key", now=NOW
    )
    again = discount_requests.open_discount_request(
        world.store, world.atendente, request(world), "same-key", now=NOW
    )
    assert first.created and not again.created
    assert (again.ticket_id, again.protocol) == (first.ticket_id, first.protocol)
    with world.store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM ticket WHERE idempotency_key = 'same-key'") == 1
        # the charts' change log is written once with the ticket and its request
        assert (
            scalar(cur, "SELECT count(*) FROM report_change WHERE ticket_id = ?", [first.ticket_id])
            == 1
        )


def test_every_cursor_gets_the_time_zone_without_setting_it(store):
    with store.read() as a, store.read() as b:
        assert scalar(a, "SELECT current_setting('TimeZone')") == "America/Sao_Paulo"
        assert scalar(b, "SELECT current_setting('TimeZone')") == "America/Sao_Paulo"


def test_start_up_fill_skips_when_nothing_is_missing_and_counts_without_returning(world):
    with world.store.transaction() as cur:
        assert catalog.fill_customer_search(cur) == 0
        add_customers(cur, 50)  # an old-style bulk load without the column
        assert catalog.fill_customer_search(cur) == 50
        assert scalar(cur, "SELECT count(*) FROM customer WHERE search_name IS NULL") == 0


def test_the_demo_and_the_bulk_loader_write_the_search_column(tmp_path):
    from lib.demo import seed_demo
    from lib.demo.large import generate_large

    store = Store(tmp_path / "bulk.duckdb")
    store.migrate(demo=True)
    try:
        seed_demo(store, customers=40)
        generate_large(store, 500)
        with store.read() as cur:
            assert scalar(cur, "SELECT count(*) FROM customer") > 40
            assert scalar(cur, "SELECT count(*) FROM customer WHERE search_name IS NULL") == 0
            assert (
                scalar(
                    cur,
                    "SELECT count(*) FROM customer WHERE search_name <> lower(strip_accents(name))",
                )
                == 0
            )
    finally:
        store.close()


@pytest.mark.duckdb_only("DuckDB's memory_limit and checkpoint settings")
def test_server_settings_cap_memory_and_move_checkpoints_off_the_commit(store):
    store.serve(memory_limit_mb=200)
    with store.read() as cur:
        assert scalar(cur, "SELECT current_setting('memory_limit')") in ("190.7 MiB", "200.0 MB")
        threshold = scalar(cur, "SELECT current_setting('checkpoint_threshold')")
    assert threshold in ("1.0 GiB", "1024.0 MiB"), threshold


def test_the_checkpointer_writes_the_wal_into_the_file(tmp_path):
    path = tmp_path / "c.duckdb"
    store = Store(path)
    store.migrate()
    store.serve(memory_limit_mb=200)
    try:
        with store.transaction() as cur:
            cur.execute(
                "CREATE TABLE filler AS SELECT range AS i, repeat('x', 50) AS s FROM range(50000)"
            )
        assert store.wal_bytes() > 0
        small = runtime.Checkpointer(store, wal_mb=0.0001)
        assert small.tick()
        assert store.wal_bytes() == 0
        assert not runtime.Checkpointer(store, wal_mb=16).tick()  # nothing to do
    finally:
        store.close()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM filler").fetchone() == (50000,)


def test_memory_setting_has_a_default_and_refuses_nonsense(monkeypatch):
    monkeypatch.delenv("DESCONTO_DUCKDB_MEMORY_MB", raising=False)
    assert config.duckdb_memory_mb() == config.DEFAULT_DUCKDB_MEMORY_MB
    monkeypatch.setenv("DESCONTO_DUCKDB_MEMORY_MB", "1024")
    assert config.duckdb_memory_mb() == 1024
    for bad in ("muito", "10", "-1"):
        monkeypatch.setenv("DESCONTO_DUCKDB_MEMORY_MB", bad)
        with pytest.raises(ValueError):
            config.duckdb_memory_mb()


def test_streamlit_skips_the_full_collection_after_every_run():
    """runner.postScriptGC cost 127-216 ms of every rerun; the server turns it off."""
    import tomllib

    from lib.config import ROOT

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert settings["runner"]["postScriptGC"] is False


def test_a_resolved_search_passes_its_ids_as_lists_not_one_placeholder_each():
    """ "IN (?, ?, ...)" with hundreds of customers was a comparison chain per row (888 ms for
    the counts at 10M); one list parameter unnested is a hash semi-join (22 ms)."""
    from lib.store import ticket_list as q
    from lib.usecases.ticket_list import Filters, _Resolved

    criteria = _Resolved(Filters(search="maria silva"), list(range(1, 800)), [7])
    where, params = q.where_clause(criteria, (None, None))
    assert where.count("?") == 2 and "unnest" in where
    assert params == [[7], list(range(1, 800))]
    assert "t.protocol" not in where  # the protocol was resolved with the OPA tickets


def test_search_by_protocol_and_by_name_still_find_their_tickets(world):
    from lib.usecases.ticket_list import Filters, browse

    opened = discount_requests.open_discount_request(
        world.store, world.atendente, request(world), "search-key", now=NOW
    )
    by_protocol, _ = browse(world.store, world.atendente, Filters(search=opened.protocol))
    assert [r["id"] for r in by_protocol.rows] == [opened.ticket_id]
    by_name, _ = browse(world.store, world.atendente, Filters(search="maria da silva"))
    assert opened.ticket_id in [r["id"] for r in by_name.rows]
    nothing, _ = browse(world.store, world.atendente, Filters(search="zzzz qqqq"))
    assert nothing.rows == [] and nothing.total == 0


def test_deadline_order_without_ticket_filters_picks_the_page_from_the_requests(world):
    """Joining every ticket first cost 67 ms at 10M; the page's requests first, 3 ms."""
    from lib.store import ticket_list as q
    from lib.usecases.ticket_list import Filters

    sqls: list[str] = []
    with world.store.read() as cur:
        real = cur.execute

        class Spy:
            def execute(self, sql, params=None):
                sqls.append(sql)
                return real(sql, params or [])

            def __getattr__(self, name):
                return getattr(cur, name)

        for f in (Filters(sort="prazo"), Filters(sort="prazo", decision="pendente")):
            sqls.clear()
            q.page(Spy(), f, f.period(), "prazo")  # type: ignore[arg-type]
            assert "FROM discount_request dr WHERE" in sqls[0], sqls[0]
            assert "ticket t" not in sqls[0], sqls[0]  # the keys come from the requests alone
        sqls.clear()
        f = Filters(sort="prazo", subject=1)  # a ticket column: the join stays
        q.page(Spy(), f, f.period(), "prazo")  # type: ignore[arg-type]
        assert "FROM ticket t JOIN discount_request dr" in sqls[0], sqls[0]


def test_a_key_conflict_whose_winner_rolled_back_reaches_the_user(world, monkeypatch):
    """KeyTaken is answered with the winner; when no ticket holds the key after all (the other
    save rolled back too), the refusal reaches the user instead of a made-up result."""
    from lib.usecases import opening

    def taken(cur, values):
        raise tk.KeyTaken("conflito")

    monkeypatch.setattr(opening, "WINNER_WAIT_S", 0.05)
    monkeypatch.setattr(tk, "insert_ticket", taken)
    with pytest.raises(tk.KeyTaken):
        discount_requests.open_discount_request(
            world.store, world.atendente, request(world), "lost-key", now=NOW
        )
    with world.store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM ticket WHERE idempotency_key = 'lost-key'") == 0


def test_the_loser_waits_for_a_winner_still_committing(world, monkeypatch):
    """DuckDB may refuse the duplicate key while the other save's commit is not yet visible to
    a new read (seen once in nine runs of the race above): the loser looks again for a moment
    instead of telling the user the save failed."""
    from lib.usecases import opening

    winner = discount_requests.open_discount_request(
        world.store, world.atendente, request(world), "slow-winner", now=NOW
    )
    real_lookup = tk.ticket_id_by_key
    seen = {"n": 0}

    def not_yet(cur, key):
        seen["n"] += 1
        return None if seen["n"] <= 3 else real_lookup(cur, key)  # visible from the 4th look

    monkeypatch.setattr(tk, "ticket_id_by_key", not_yet)
    got = opening.saved_by_other(world.store, "slow-winner", tk.KeyTaken("conflito"))
    assert (got.ticket_id, got.protocol, got.created) == (winner.ticket_id, winner.protocol, False)
    assert seen["n"] == 4
