"""Issue 18: several app servers on one PostgreSQL database. Each process below is a server of
its own (its own pool of connections); they save tickets and act on one ticket at the same
moment. Idempotency keys stay unique (a double click that reached two servers makes one
ticket), protocols stay unique, and of two decisions on one ticket exactly one lands."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest

from lib.store import scalar
from tests.conftest import PG_URL, pg_schema_url
from tests.fixtures import build_world

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs DESCONTO_TEST_PG (make test starts one)")

SERVERS = 3
SHARED_KEYS = 8  # keys every server saves: the same click delivered to every server
OWN_KEYS = 6  # keys only one server saves


def _server_saves(url: str, server: int, user, subject: int, dept: int, start) -> list[tuple]:
    """One server: open tickets for the shared keys and for keys of its own, all released at
    once with the other servers (`start`)."""
    from datetime import datetime

    from lib.domain import TZ
    from lib.store.pg import PgStore
    from lib.usecases import opening
    from lib.usecases.opening import TicketInput

    store = PgStore(url)
    try:
        start.wait(timeout=60)
        now = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)
        keys = [f"shared-{i}" for i in range(SHARED_KEYS)]
        keys += [f"server{server}-{i}" for i in range(OWN_KEYS)]
        saved = []
        for key in keys:
            opened = opening.open_ticket(
                store, user, TicketInput(subject_id=subject, department_id=dept), key, now=now
            )
            saved.append((key, opened.ticket_id, opened.protocol))
        return saved
    finally:
        store.close()


def _server_approves(url: str, user, ticket: int, amount: str, start) -> str:
    from datetime import datetime

    from lib.domain import TZ, DomainError
    from lib.store.pg import PgStore
    from lib.usecases import finance

    store = PgStore(url)
    try:
        start.wait(timeout=60)
        now = datetime(2026, 11, 30, 15, 5, tzinfo=TZ)
        try:
            finance.approve(store, user, ticket, amount, "ajuste", now=now,
                            expected_status="EP", expected_decision="pendente")  # fmt: skip
            return "aprovado"
        except DomainError as exc:
            return f"recusado: {exc}"
    finally:
        store.close()


@pytest.fixture
def shared_world():
    from lib.store.pg import PgStore

    url = pg_schema_url("servers")
    store = PgStore(url)
    store.migrate()
    world = build_world(store)
    yield url, world
    store.close()


def _pool(n: int):
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, as a second server is
    return ctx, ctx.Pool(n)


def test_several_servers_saving_the_same_clicks_make_one_ticket_each(shared_world):
    url, w = shared_world
    with w.store.read() as cur:
        subject = scalar(cur, "SELECT id FROM subject WHERE name = 'SEGUNDA VIA DE BOLETO'")
        dept = scalar(cur, "SELECT id FROM department WHERE name = 'COBRANÇA'")
    ctx, pool = _pool(SERVERS)
    with ctx.Manager() as manager, pool:
        start = manager.Barrier(SERVERS)
        runs = pool.starmap(
            _server_saves,
            [(url, s, w.atendente, subject, dept, start) for s in range(SERVERS)],
        )
    by_key: dict[str, set[int]] = {}
    for saved in runs:
        for key, ticket_id, _ in saved:
            by_key.setdefault(key, set()).add(ticket_id)
    assert all(len(ids) == 1 for ids in by_key.values()), by_key  # one ticket per key
    with w.store.read() as cur:
        made = cur.execute(
            "SELECT idempotency_key, protocol FROM ticket WHERE idempotency_key IS NOT NULL"
        ).fetchall()
    assert len(made) == SHARED_KEYS + SERVERS * OWN_KEYS
    assert not [p for p, n in Counter(p for _, p in made).items() if n > 1]  # protocols unique


def test_two_servers_deciding_one_ticket_at_once_one_decision_lands(shared_world):
    from lib.usecases import ticket_actions
    from tests.ticket_factory import NOW, discount

    url, w = shared_world
    t = discount(w, "a")
    ticket_actions.assume(w.store, w.financeiro, t, now=NOW)
    ctx, pool = _pool(2)
    with ctx.Manager() as manager, pool:
        start = manager.Barrier(2)
        outcomes = pool.starmap(
            _server_approves,
            [(url, w.financeiro, t, "10", start), (url, w.supervisor, t, "12", start)],
        )
    assert sorted(o.split(":")[0] for o in outcomes) == ["aprovado", "recusado"], outcomes
    refusal = next(o for o in outcomes if o.startswith("recusado"))
    assert "O desconto foi aprovado por" in refusal, refusal  # who decided, not a DB error
    with w.store.read() as cur:
        decisions = scalar(
            cur, "SELECT count(*) FROM movement WHERE ticket_id = ? AND kind = ?", [t, "aprovar"]
        )
    assert decisions == 1
