"""Issue 17: the Faturamento page shows a period's summary (computed in SQL) and one page of its
candidates; a batch made from the screen takes exactly the rows shown, never the rest of the
period, and a stale screen gets the pt-BR refusal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lib.domain import DomainError
from lib.usecases import billing, finance, ticket_actions
from tests.ticket_factory import NOW, discount

DEC = (date(2026, 12, 1), date(2026, 12, 31))
LATER = NOW + timedelta(minutes=5)


def approved(w, key, **kw) -> int:
    t = discount(w, key, **kw)
    ticket_actions.assume(w.store, w.financeiro, t, now=NOW)
    finance.approve(w.store, w.financeiro, t, now=NOW)
    return t


@pytest.fixture
def five(world):
    """Five approved discounts due in December 2026 on three due dates, approved in order."""
    return [
        approved(world, "p1"),
        approved(world, "p2", contract="joao"),
        approved(world, "p3", contract="joao2"),
        approved(world, "p4", days_ago=1),
        approved(world, "p5", days_ago=2, contract="joao"),
    ]


def view(w, page=1, size=2, period=DEC):
    return billing.period_view(w.store, w.financeiro, *period, page=page, page_size=size, now=LATER)


def test_the_pages_are_the_full_list_cut_in_order_with_the_same_rows(world, five):
    everything = billing.candidates(world.store, world.financeiro, *DEC, now=LATER)
    assert sorted(c.ticket_id for c in everything) == sorted(five)
    pages = [view(world, p) for p in (1, 2, 3)]
    assert [v.pages for v in pages] == [3, 3, 3] and [v.total for v in pages] == [5, 5, 5]
    assert [c for v in pages for c in v.rows] == everything  # same order, same columns
    assert [v.first for v in pages] == [1, 3, 5]
    # a page past the end (the list shrank since the screen asked) shows the last one
    late = view(world, 9)
    assert late.page == 3 and late.rows == everything[4:]
    assert view(world, 0).page == 1
    with pytest.raises(DomainError, match="Linhas por página"):
        view(world, size=10_000)


def test_the_summary_is_the_list_counted_and_summed_per_state_and_due_date(world, five):
    w = world
    everything = billing.candidates(w.store, w.financeiro, *DEC, now=LATER)
    v = view(w)
    assert [s.state for s in v.states] == ["a_enviar", "enviado", "aplicado", "recusado"]
    to_send = v.states[0]
    assert to_send.count == 5 and to_send.amount == sum(c.amount for c in everything)
    by_due = {d.due_date: d for d in v.by_due}
    assert set(by_due) == {c.target_due_date for c in everything}
    for due, d in by_due.items():
        mine = [c for c in everything if c.target_due_date == due]
        assert d.count == len(mine)
        assert d.approved == sum(c.amount for c in mine)
        assert d.computed == sum(c.computed for c in mine)

    # two sent (this page), one applied and one refused by billing: each state moves
    first = view(w).rows
    done = billing.create_batch(
        w.store, w.financeiro, *DEC, [c.ticket_id for c in first], now=LATER
    )
    applied = first[0]
    billing.close_batch(
        w.store,
        w.financeiro,
        done.batch_id,
        {applied.ticket_id: billing.Applied(applied.target_due_date, "FAT-1")},
        {first[1].ticket_id: "Contrato suspenso"},
        now=LATER,
    )
    after = {s.state: s for s in view(w).states}
    assert (after["a_enviar"].count, after["aplicado"].count, after["recusado"].count) == (4, 1, 1)
    assert after["enviado"].count == 0 and after["aplicado"].amount == applied.amount
    assert after["a_enviar"].amount == to_send.amount - applied.amount
    # the refused one is back in the queue, and the summary says billing refused it before
    assert sum(d.refused_before for d in view(w).by_due) == 1


def test_a_batch_from_the_screen_takes_only_the_rows_shown(world, five):
    w = world
    shown = view(w).rows  # page 1 of 3
    done = billing.create_batch(
        w.store, w.financeiro, *DEC, [c.ticket_id for c in shown], idempotency_key="p", now=LATER
    )
    assert done.count == 2 and done.total == sum(c.amount for c in shown)
    items = billing.batch(w.store, w.financeiro, done.batch_id).items
    assert sorted(i["ticket_id"] for i in items) == sorted(c.ticket_id for c in shown)
    left = billing.candidates(w.store, w.financeiro, *DEC, now=LATER)
    assert sorted(c.ticket_id for c in left) == sorted(set(five) - {c.ticket_id for c in shown})
    # the movement names the batch and keeps the ticket in progress
    with w.store.read() as cur:
        moved = cur.execute(
            "SELECT from_status, to_status, note FROM movement "
            "WHERE ticket_id = ? AND kind = 'enviar_faturamento'",
            [shown[0].ticket_id],
        ).fetchall()
    assert len(moved) == 1 and moved[0][:2] == ("EP", "EP")
    assert f"lote nº {done.batch_id}" in moved[0][2]


def test_a_stale_second_tab_is_refused_in_portuguese(world, five):
    w = world
    tab1 = view(w).rows
    tab2 = view(w).rows
    billing.create_batch(
        w.store, w.financeiro, *DEC, [c.ticket_id for c in tab2], idempotency_key="t2", now=LATER
    )
    with pytest.raises(DomainError, match="os da lista já foram enviados ou mudaram"):
        billing.create_batch(
            w.store,
            w.financeiro,
            *DEC,
            [c.ticket_id for c in tab1],
            idempotency_key="t1",
            now=LATER,
        )
    assert len(billing.batches(w.store, w.financeiro)) == 1


def test_only_approved_tickets_in_progress_count(world, five):
    """A discount whose ticket went Pendente meanwhile is neither counted nor listed."""
    w = world
    with w.store.transaction() as cur:
        cur.execute("UPDATE ticket SET status = 'P' WHERE id = ?", [five[0]])
    v = view(w, size=50)
    assert five[0] not in [c.ticket_id for c in v.rows]
    assert v.total == 4 == len(v.rows)
    assert v.states[0].amount == sum((c.amount for c in v.rows), Decimal("0.00"))


def test_a_period_no_invoice_targets_is_empty(world, five):
    v = view(world, period=(date(2027, 2, 1), date(2027, 2, 3)))
    assert (v.total, v.rows, v.pages, v.by_due) == (0, [], 1, [])
    assert v.states[0].count == 0 and v.states[0].amount == 0


# --- the candidates come from the charts' table (report_discount) when it is built ----------


def same_as_live(w) -> billing.PeriodView:
    """The period's view agrees with the live tables (candidates(), no derived table)."""
    live = billing.candidates(w.store, w.financeiro, *DEC, now=LATER)
    v = view(w, size=50)
    assert v.rows == live
    assert v.total == len(live)
    assert v.states[0].amount == sum((c.amount for c in live), Decimal("0.00"))
    return v


@pytest.mark.parametrize("limit", [None, 0])
def test_never_staler_than_the_live_tables(world, five, monkeypatch, limit):
    """Refreshed or not, whatever changed since: approvals, a ticket set pending, one
    cancelled, one sent to billing, one refused back. limit=0: every change sends the read
    to the live tables; None: changes are checked one by one."""
    from lib.store import billing as bs
    from lib.usecases import reports

    w = world
    if limit is not None:
        monkeypatch.setattr(bs, "MAX_UNREFRESHED", limit)
    same_as_live(w)  # the charts' table never built: the live tables
    reports.refresh_facts(w.store)
    assert len(same_as_live(w).rows) == 5  # built, nothing changed since: from it alone
    # changes after the refresh, none of them re-derived yet
    later = approved(w, "p6", days_ago=3)
    ticket_actions.set_pending(w.store, w.financeiro, five[0], "Aguardando o cliente", now=NOW)
    ticket_actions.cancel(w.store, w.financeiro, five[1], "Cliente desistiu", now=NOW)
    done = billing.create_batch(w.store, w.financeiro, *DEC, [five[2], five[3]], now=LATER)
    billing.close_batch(
        w.store, w.financeiro, done.batch_id, {}, {five[3]: "Fatura já fechada"}, now=LATER
    )
    ids = {c.ticket_id for c in same_as_live(w).rows}
    assert ids == {five[3], five[4], later}
    # the charts refresh after a later write: the pending and the cancelled one now come
    # from report_discount (unchanged since, older than its watermark), not from the log
    ticket_actions.add_message(w.store, w.financeiro, five[4], "Conferido", now=LATER)
    reports.refresh_facts(w.store)
    with w.store.transaction() as cur:
        unrefreshed = bs._unrefreshed(cur)
    assert unrefreshed is not None and five[0] not in unrefreshed and five[1] not in unrefreshed
    assert {c.ticket_id for c in same_as_live(w).rows} == ids
    # taken back into progress: logged, so read live until the next refresh
    ticket_actions.assume(w.store, w.financeiro, five[0], now=NOW)
    assert {c.ticket_id for c in same_as_live(w).rows} == ids | {five[0]}
    reports.refresh_facts(w.store)
    assert {c.ticket_id for c in same_as_live(w).rows} == ids | {five[0]}


def test_a_bulk_write_around_the_log_is_caught_by_its_time(world, five):
    """Rows written around the store's functions (bulk loads) carry an updated_at past the
    watermark: they are read live, as the charts' refresh re-derives them."""
    from lib.usecases import reports

    w = world
    reports.refresh_facts(w.store)
    with w.store.transaction() as cur:
        cur.execute(
            "UPDATE ticket SET status = 'P', updated_at = now() + INTERVAL '1 minute' WHERE id = ?",
            [five[4]],
        )
    assert five[4] not in {c.ticket_id for c in same_as_live(w).rows}
