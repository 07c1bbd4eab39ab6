"""The ticket list use-cases on a real temporary store: filters, keyset pages, counts, export,
available actions and bulk actions."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest

from lib.domain import Action, PermissionDenied
from lib.usecases import bulk_actions, finance, ticket_actions, ticket_export, ticket_view
from lib.usecases import ticket_list as tl
from lib.usecases.ticket_list import Filters
from tests.ticket_factory import NOW, discount, plain_tickets


def test_filters_round_trip_through_the_query_string():
    f = Filters(
        status=("N", "EP"),
        departments=(1, 3),
        subject=2,
        priority="A",
        responsible=0,
        reason=3,
        decision="pendente",
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        search="Maria",
        sort="prazo",
    )
    qs = f.to_query()
    assert qs["status"] == ["N", "EP"] and qs["depto"] == ["1", "3"] and qs["de"] == "2026-11-01"
    assert Filters.from_query(qs) == f
    assert Filters().to_query() == {}
    # what a browser sends: single strings, comma lists, nonsense
    assert Filters.from_query({"status": "N,XX", "depto": "abc", "ordem": "?", "de": "31/11"}) == (
        Filters(status=("N",))
    )
    # absurd dates are dropped too: the end of 9999-12-31 is past the last date Python has
    absurd = Filters.from_query({"de": "0001-01-01", "ate": "9999-12-31"})
    assert absurd == Filters() and absurd.period() == (None, None)


def test_pages_walk_forward_and_back_by_key_in_opening_order(world):
    ids = plain_tickets(world, 120)  # newest first
    f = Filters()
    first = tl.list_page(world.store, world.atendente, f)
    assert first.total == 120 and first.ids == ids[:50]
    assert first.prev_key is None and first.next_key is not None
    second = tl.list_page(world.store, world.atendente, f, after=first.next_key)
    assert second.ids == ids[50:100]
    third = tl.list_page(world.store, world.atendente, f, after=second.next_key)
    assert third.ids == ids[100:] and third.next_key is None
    back = tl.list_page(world.store, world.atendente, f, before=third.prev_key)
    assert back.ids == ids[50:100] and back.prev_key is not None
    back = tl.list_page(world.store, world.atendente, f, before=back.prev_key)
    assert back.ids == ids[:50] and back.prev_key is None


def test_ties_in_the_sort_key_are_broken_by_id(world):
    ids = plain_tickets(world, 30) + plain_tickets(world, 30)  # same opening times twice
    seen = []
    page = tl.list_page(world.store, world.atendente, Filters(), page_size=7)
    while True:
        seen += page.ids
        if page.next_key is None:
            break
        page = tl.list_page(
            world.store, world.atendente, Filters(), after=page.next_key, page_size=7
        )
    assert sorted(seen) == sorted(ids) and len(seen) == 60


def test_filters_narrow_the_list_and_the_counts(world):
    d1 = discount(world, "a", days_ago=0)
    d2 = discount(world, "b", days_ago=3, contract="joao")
    others = plain_tickets(world, 3)
    ticket_actions.assume(world.store, world.financeiro, d2)
    store, user = world.store, world.atendente

    def ids(**kw):
        return set(tl.list_page(store, user, Filters(**kw)).ids)

    assert ids() == {d1, d2, *others}
    assert ids(status=("EP",)) == {d2}
    assert ids(status=("N", "EP"), subject=1) == {d1, d2}
    assert ids(responsible=world.financeiro.id) == {d2}
    assert ids(responsible=0) == {d1, *others}
    assert ids(reason=3, decision="pendente") == {d1, d2}
    assert ids(date_from=NOW.date(), date_to=NOW.date()) == {d1, *others}
    assert ids(date_to=(NOW - timedelta(days=1)).date()) == {d2}
    assert ids(search="joao") == {d2, *others}  # accents ignored
    assert ids(search="111.444") == {d2, *others}  # CPF prefix, punctuation ignored
    assert ids(search="opab0001") == {d2}  # OPA protocol, any case
    protocol = ticket_actions.ticket_detail(store, user, d1)[0]["protocol"]
    assert ids(search=protocol) == {d1}

    m = tl.status_matrix(store, user, Filters())
    fin = next(i for i, name in m.departments if name == "FINANCEIRO")
    sup = next(i for i, name in m.departments if name == "SUPORTE")
    assert (m.get("N", fin), m.get("EP", fin), m.get("N", sup), m.total) == (1, 1, 3, 5)
    cell = Filters().cell("N", fin)
    assert ids(**vars(cell)) == {d1}
    assert tl.status_matrix(store, user, cell).total == 1


def test_sort_by_deadline_puts_the_nearest_first_and_undated_last(world):
    recent = discount(world, "a", days_ago=0)
    old = discount(world, "b", days_ago=80, contract="joao")
    others = plain_tickets(world, 2)
    page = tl.list_page(world.store, world.atendente, Filters(sort="prazo"), page_size=2)
    assert page.ids == [old, recent]
    rest = tl.list_page(world.store, world.atendente, Filters(sort="prazo"), after=page.next_key)
    assert set(rest.ids) == set(others)


def test_deadline_turns_amber_within_15_days_and_red_past_it():
    deadline = date(2027, 2, 28)
    assert tl.deadline_state("pendente", deadline, deadline - timedelta(days=16)) == ""
    assert tl.deadline_state("pendente", deadline, deadline - timedelta(days=15)) == "perto"
    assert tl.deadline_state("aprovado", deadline, deadline) == "perto"
    assert tl.deadline_state("aguardando_retorno", deadline, deadline + timedelta(1)) == "vencido"
    assert tl.deadline_state("aplicado", deadline, deadline + timedelta(1)) == ""
    assert tl.deadline_state(None, None, deadline) == ""


def test_table_rows_are_pt_br(world):
    discount(world, "a", days_ago=80)
    page = tl.list_page(world.store, world.atendente, Filters())
    frame, states = tl.table_rows(page, now=NOW)
    row = frame.iloc[0]
    assert row["Valor"] == "R$\xa00,79" and row["Status"] == ["Novo"]
    assert row["Prazo"] == (NOW - timedelta(days=80) + timedelta(days=90)).strftime("%d/%m/%Y")
    assert row["Abertura"].endswith(" 15:00") and row["Decisão"] == "Pendente"
    assert states == ["perto"]


def test_actions_offered_follow_role_and_state(world):
    d = discount(world, "a")
    t, dr, _ = ticket_actions.ticket_detail(world.store, world.atendente, d)
    # a discount request stays in FINANCEIRO: an attendant does not forward it (issue 11)
    assert ticket_view.available_actions(world.atendente, t, dr) == [Action.MENSAGEM]
    assert Action.ASSUMIR in ticket_view.available_actions(world.financeiro, t, dr)
    assert Action.APROVAR not in ticket_view.available_actions(world.financeiro, t, dr)
    ticket_actions.assume(world.store, world.financeiro, d)
    t, dr, _ = ticket_actions.ticket_detail(world.store, world.atendente, d)
    fin = ticket_view.available_actions(world.financeiro, t, dr)
    assert {Action.APROVAR, Action.REPROVAR, Action.CANCELAR} <= set(fin)
    assert Action.ASSUMIR not in fin and Action.APLICAR not in fin
    (plain,) = plain_tickets(world, 1)
    t, dr, _ = ticket_actions.ticket_detail(world.store, world.atendente, plain)
    assert Action.ASSUMIR in ticket_view.available_actions(world.atendente, t, dr)
    assert Action.APROVAR not in ticket_view.available_actions(world.supervisor, t, dr)


def test_bulk_assume_and_approve_report_each_refusal(world):
    a = discount(world, "a")
    b = discount(world, "b", contract="joao")
    c = discount(world, "c", contract="joao2", returned=False)
    ticket_actions.assume(world.store, world.supervisor, b)  # someone was faster on b
    progress = []
    out = bulk_actions.run_bulk(
        world.store,
        world.financeiro,
        Action.ASSUMIR,
        [(a, "A", "N"), (b, "B", "N"), (c, "C", "N")],
        on_progress=lambda i, n: progress.append((i, n)),
    )
    assert [o.ok for o in out] == [True, False, True]
    assert "já foi assumido por Sara Supervisora" in out[1].message
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert (
        bulk_actions.bulk_summary(Action.ASSUMIR, out)
        == "Assumir em lote: 2 assumidos, 1 recusado."
    )
    out = bulk_actions.run_bulk(
        world.store, world.financeiro, Action.APROVAR, [(a, "A", "EP"), (c, "C", "EP")]
    )
    assert [o.ok for o in out] == [True, False]
    assert "retorno do sinal" in out[1].message
    with pytest.raises(PermissionDenied):
        finance.approve(world.store, world.atendente, a)


def test_export_carries_the_whole_filtered_set(world):
    discount(world, "a")
    plain_tickets(world, 60)
    f = Filters(status=("N",))
    frame = ticket_export.export_frame(world.store, world.atendente, f)
    assert len(frame) == 61  # more than one page
    csv = ticket_export.export_csv(frame).decode("utf-8-sig")
    header, first = csv.splitlines()[:2]
    assert header.split(";")[:3] == ["ID", "Protocolo", "Abertura"]
    assert "30/11/2026 15:00" in first and ";0,79;" in first and ";Pendente;" in first
    book = openpyxl.load_workbook(io.BytesIO(ticket_export.export_xlsx(frame)))
    sheet = book["Atendimentos"]
    assert sheet.max_row == 62
    headers = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[headers.index("Valor calculado (R$)")] == pytest.approx(0.79)
    assert row[headers.index("Abertura")].strftime("%d/%m/%Y %H:%M") == "30/11/2026 15:00"
    assert (
        len(ticket_export.export_frame(world.store, world.atendente, Filters(status=("S",)))) == 0
    )


def test_deadline_order_walks_dated_then_undated_both_ways(world):
    dated = [
        discount(world, "a", days_ago=0),
        discount(world, "b", days_ago=40, contract="joao"),
        discount(world, "c", days_ago=80, contract="joao2"),
    ]
    undated = plain_tickets(world, 5)
    expected = list(reversed(dated)) + sorted(undated)
    f = Filters(sort="prazo")
    seen, page = [], tl.list_page(world.store, world.atendente, f, page_size=2)
    pages = [page]
    while True:
        seen += page.ids
        if page.next_key is None:
            break
        page = tl.list_page(world.store, world.atendente, f, after=page.next_key, page_size=2)
        pages.append(page)
    assert seen == expected
    back = []
    page = pages[-1]
    while page.prev_key is not None:
        page = tl.list_page(world.store, world.atendente, f, before=page.prev_key, page_size=2)
        back = page.ids + back
    assert back + pages[-1].ids == expected
    assert tl.list_page(
        world.store, world.atendente, Filters(sort="prazo", decision="pendente")
    ).ids == list(reversed(dated))


def test_browse_resolves_a_search_once_and_agrees_with_the_subquery(world):
    d1 = discount(world, "a")
    d2 = discount(world, "b", contract="joao")
    others = plain_tickets(world, 2)
    cases = [("joao", {d2, *others}), ("maria", {d1}), ("ninguém", set()), ("opaa0001", {d1})]
    for text, expected in cases:
        page, matrix = tl.browse(world.store, world.atendente, Filters(search=text))
        assert set(page.ids) == expected and matrix.total == page.total == len(expected)
        assert set(tl.list_page(world.store, world.atendente, Filters(search=text)).ids) == expected
    from lib.store import ticket_list as q

    with world.store.read() as cur:
        assert q.matching_customers(cur, "s", cap=1) is None  # too many: keep the subquery
        assert q.matching_customers(cur, "529.982") == [world.maria]
