"""How the list reads a page (issue 17): one transaction for the counts and the page, the keys
first and the rows by id, the same rows and names whichever path reads them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lib.store import ticket_list as q
from lib.usecases import ticket_list as tl
from tests.ticket_factory import NOW, discount, plain_tickets


def test_the_counts_and_the_page_agree_while_another_session_writes(world, monkeypatch):
    """A ticket saved by another tab between the counts and the page must not make the caption
    say "1–4 de 3": both are read from one snapshot."""
    plain_tickets(world, 3)
    real = q.status_department_counts

    def counts_then_someone_saves(cur, criteria, period):
        found = real(cur, criteria, period)
        plain_tickets(world, 1, start=NOW + timedelta(hours=1))  # its own transaction
        return found

    monkeypatch.setattr(q, "status_department_counts", counts_then_someone_saves)
    page, matrix = tl.browse(world.store, world.atendente, tl.Filters())
    assert matrix.total == page.total == 3
    assert len(page.rows) == 3
    monkeypatch.setattr(q, "status_department_counts", real)
    page, _ = tl.browse(world.store, world.atendente, tl.Filters())
    assert page.total == len(page.rows) == 4  # the next rerun shows it


def spy(cur, sqls: list[str]):
    real = cur.execute

    class Spy:
        def execute(self, sql, params=None):
            sqls.append(" ".join(sql.split()))
            return real(sql, params or [])

        def __getattr__(self, name):
            return getattr(cur, name)

    return Spy()


def test_a_joined_or_searched_page_reads_keys_first_then_rows_by_id(world):
    """With a join the keyset query names only id and sort key (projecting the ticket's columns
    there read them for every candidate row: 82 against 32 ms of CPU at 10M)."""
    discount(world, "a")
    plain_tickets(world, 2)
    for f in (
        tl.Filters(decision="pendente", departments=(1, 2, 3, 4, 5, 6), sort="prazo"),
        tl.Filters(subject=1, sort="prazo"),
        tl.Filters(decision="pendente"),
    ):
        sqls: list[str] = []
        with world.store.read() as cur:
            found = q.page(spy(cur, sqls), f, f.period(), f.sort)
        keyset = [s for s in sqls if "sort_key" in s]
        assert keyset and all(s.startswith("SELECT t.id AS id, ") for s in keyset), keyset
        assert any("FROM ticket WHERE id IN (" in s for s in sqls), sqls
        assert len(sqls) == len(keyset) + 2, sqls  # rows by id, then customers and names
        assert found and all(r["subject"] and r["protocol"] for r in found)


def test_a_page_on_ticket_alone_takes_its_columns_with_the_keys(world):
    plain_tickets(world, 3)
    sqls: list[str] = []
    f = tl.Filters(status=("N",))
    with world.store.read() as cur:
        found = q.page(spy(cur, sqls), f, f.period(), f.sort)
    assert len(found) == 3
    assert not any("FROM ticket WHERE id IN (" in s for s in sqls), sqls  # not read twice
    # the keyset query, then one statement for the requests, customers and names
    assert len(sqls) == 2, sqls
    assert all(t in sqls[1] for t in ("FROM discount_request", "FROM customer", "FROM staff"))


def test_both_paths_give_the_same_rows(world):
    d = discount(world, "a")
    plain_tickets(world, 3)
    with world.store.read() as cur:
        keys = [(r[0], r[1]) for r in cur.execute("SELECT id, opened_at FROM ticket").fetchall()]
        by_id = q.page_rows(cur, keys)
        tickets = {
            r["id"]: r
            for r in q.rows(
                cur,
                "SELECT id, protocol, opened_at, status, priority, department_id, subject_id,"
                " customer_id, responsible_id FROM ticket",
            )
        }
        with_tickets = q.page_rows(cur, keys, tickets=tickets)
    assert by_id == with_tickets
    assert [r["id"] for r in by_id] == [k[0] for k in keys]
    request = next(r for r in by_id if r["id"] == d)
    assert request["decision"] == "pendente" and request["customer"] == "Maria da Silva"
    assert isinstance(request["computed_amount"], Decimal) and request["computed_amount"] > 0
    assert isinstance(request["deadline"], date) and request["reason"] == 3
    assert request["subject"] == "DESCONTO EM FATURA" and request["cpf_cnpj"]
    assert all(r["decision"] is None for r in by_id if r["id"] != d)


def test_the_total_without_the_matrix_is_the_matrix_total(world):
    discount(world, "a")
    discount(world, "b", contract="joao")
    plain_tickets(world, 4)
    for f in (
        tl.Filters(),
        tl.Filters(status=("N",)),
        tl.Filters(decision="pendente", sort="prazo"),
        tl.Filters(search="maria"),
        tl.Filters(search="zzzz"),
    ):
        page, matrix = tl.browse(world.store, world.atendente, f)
        alone = tl.browse_total(world.store, world.atendente, f)
        assert alone.total == page.total == matrix.total, f
        assert alone.ids == page.ids and alone.next_key == page.next_key, f


def test_a_first_page_holding_every_row_is_its_own_count(world, monkeypatch):
    plain_tickets(world, 3)
    discount(world, "a")
    calls: list[int] = []
    real = q.count

    def spy(cur, criteria, period):
        calls.append(1)
        return real(cur, criteria, period)

    monkeypatch.setattr(q, "count", spy)
    page = tl.browse_total(world.store, world.atendente, tl.Filters(status=("N",)))
    assert page.total == len(page.rows) == 4 and calls == []
    # more rows than a page, or a page further on: counted
    page = tl.browse_total(world.store, world.atendente, tl.Filters(), page_size=2)
    assert page.total == 4 and len(page.rows) == 2 and calls == [1]
    after = page.next_key
    page = tl.browse_total(world.store, world.atendente, tl.Filters(), page_size=2, after=after)
    assert page.total == 4 and len(page.rows) == 2 and calls == [1, 1]
