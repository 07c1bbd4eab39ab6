"""The ticket list can be trusted: a search means what was typed (`%` and `_` are characters,
white space runs are one space), a period that ends before it starts is refused before any
query, the deadline order puts open requests first and pages by key across its segments, and
the queue moves on after a decision."""

from __future__ import annotations

from datetime import date

import pytest

from lib.domain import DomainError
from lib.store import catalog as cat
from lib.store import ticket_list as q
from lib.usecases import finance, ticket_actions, ticket_export
from lib.usecases import ticket_list as tl
from lib.usecases.ticket_list import Filters
from tests.ticket_factory import NOW, discount, plain_tickets


def _ids(world, filters: Filters) -> set[int]:
    """The ids both paths find: browse (customers named once) and list_page (a subquery)."""
    page, matrix = tl.browse(world.store, world.atendente, filters)
    direct = tl.list_page(world.store, world.atendente, filters)
    assert set(page.ids) == set(direct.ids) and matrix.total == len(page.ids)
    return set(page.ids)


def _customer(world, name: str, cpf: str) -> int:
    with world.store.transaction() as cur:
        return cat.insert_customer(cur, name=name, cpf_cnpj=cpf, city="Londrina")


def _ticket_for(world, customer_id: int) -> int:
    (ticket_id,) = plain_tickets(world, 1)
    with world.store.transaction() as cur:
        cur.execute("UPDATE ticket SET customer_id = ? WHERE id = ?", [customer_id, ticket_id])
    return ticket_id


@pytest.mark.parametrize("text", ["%", "_", "%%", "_ _", "a%a", "Maria%", "%Silva"])
def test_like_wildcards_are_plain_characters(world, text):
    discount(world, "a")  # Maria da Silva
    plain_tickets(world, 3)  # João
    assert _ids(world, Filters(search=text)) == set()


def test_a_name_holding_wildcard_characters_is_found_by_them(world):
    odd = _ticket_for(world, _customer(world, "Loja 100% Fibra_Sul", "11222333000181"))
    discount(world, "a")
    assert _ids(world, Filters(search="100%")) == {odd}
    assert _ids(world, Filters(search="fibra_sul")) == {odd}


@pytest.mark.parametrize(
    "text", ["maria  da silva", "  Maria   da\tSilva ", "maria\u00a0da silva", "MARIA DA  SILVA"]
)
def test_white_space_in_the_search_is_one_space(world, text):
    d = discount(world, "a")
    assert _ids(world, Filters(search=text)) == {d}


def test_a_name_stored_with_double_spaces_is_found_with_single_ones(world):
    spaced = _ticket_for(world, _customer(world, "Ana  Paula   Souza", "39053344705"))
    assert _ids(world, Filters(search="ana paula souza")) == {spaced}
    assert _ids(world, Filters(search="Ana  Paula  Souza")) == {spaced}
    assert _ids(world, Filters(search="paula")) == {spaced}


def test_the_query_string_search_is_normalised_too():
    assert Filters.from_query({"busca": "  maria   da  silva "}).search == "maria da silva"


def test_a_period_ending_before_it_starts_is_refused_before_any_query(world, monkeypatch):
    d = discount(world, "a")
    reversed_ = Filters(date_from=date(2026, 11, 30), date_to=date(2026, 11, 1))

    def no_query(*args, **kwargs):
        raise AssertionError("queried")

    for name in ("page", "count", "status_department_counts", "matching_customers"):
        monkeypatch.setattr(q, name, no_query)
    for call in (
        lambda: tl.browse(world.store, world.atendente, reversed_),
        lambda: tl.list_page(world.store, world.atendente, reversed_),
        lambda: tl.status_matrix(world.store, world.atendente, reversed_),
        lambda: tl.browse(world.store, world.atendente, Filters(search="maria", **_dates())),
    ):
        with pytest.raises(DomainError) as err:
            call()
        assert str(err.value) == (
            "Período invertido: “Aberto até” (01/11/2026) é anterior a “Aberto de” "
            "(30/11/2026). Corrija uma das datas para buscar."
        )
    monkeypatch.undo()
    one_day = Filters(date_from=NOW.date(), date_to=NOW.date())  # the same day is a period
    assert tl.list_page(world.store, world.atendente, one_day).ids == [d]


def _dates() -> dict:
    return {"date_from": date(2026, 11, 30), "date_to": date(2026, 11, 1)}


def test_dates_out_of_range_in_a_link_are_ignored_and_never_overflow(world):
    assert Filters.from_query({"de": "1900-01-01", "ate": "9999-12-31"}) == Filters()
    assert Filters.from_query({"ate": "2099-12-31"}).date_to == date(2099, 12, 31)
    d = discount(world, "a")
    assert Filters(date_to=date.max).period() == (None, None)
    assert tl.list_page(world.store, world.atendente, Filters(date_to=date.max)).ids == [d]


# --- the deadline order ---------------------------------------------------------------------


def _closed(world, key: str, days_ago: int, contract: str, how: str) -> int:
    d = discount(world, key, days_ago=days_ago, contract=contract)
    if how == "reject":
        ticket_actions.assume(world.store, world.financeiro, d)
        finance.reject(world.store, world.financeiro, d, "Fora das regras")
    else:
        ticket_actions.cancel(world.store, world.supervisor, d, "Aberto em duplicidade")
    return d


def test_deadline_order_puts_open_requests_first_closed_after_then_the_rest(world):
    # closed long ago: their deadlines are the oldest, and used to come first
    rejected = _closed(world, "r", 300, "joao", "reject")
    cancelled = _closed(world, "c", 200, "joao2", "cancel")
    recent = discount(world, "a", days_ago=0)
    older = discount(world, "b", days_ago=60, contract="joao")
    approved = discount(world, "p", days_ago=30, contract="joao2")
    ticket_actions.assume(world.store, world.financeiro, approved)
    finance.approve(world.store, world.financeiro, approved)  # still open: not applied yet
    others = plain_tickets(world, 3)
    expected = [older, approved, recent, *sorted([rejected, cancelled]), *sorted(others)]

    f = Filters(sort="prazo")
    assert tl.list_page(world.store, world.atendente, f).ids == expected
    # page by key, 2 rows at a time, across the three segments, and back again
    pages = [tl.list_page(world.store, world.atendente, f, page_size=2)]
    while pages[-1].next_key is not None:
        pages.append(
            tl.list_page(world.store, world.atendente, f, after=pages[-1].next_key, page_size=2)
        )
    assert [i for p in pages for i in p.ids] == expected and len(pages) == 4
    back, page = list(pages[-1].ids), pages[-1]
    while page.prev_key is not None:
        page = tl.list_page(world.store, world.atendente, f, before=page.prev_key, page_size=2)
        back = page.ids + back
    assert back == expected
    # the counts and the export agree with the page
    assert tl.status_matrix(world.store, world.atendente, f).total == len(expected)
    frame = ticket_export.export_frame(world.store, world.atendente, f)
    assert list(frame["ID"]) == expected
    # with a filter the order holds: pending (open) before rejected (closed)
    fin = Filters(sort="prazo", subject=1)
    assert tl.list_page(world.store, world.atendente, fin).ids == expected[:5]


def test_deadline_order_pages_by_key_with_ties_inside_the_closed_segment(world):
    closed = [
        _closed(world, f"k{i}", 100 + i, ["maria", "joao", "joao2"][i % 3], "cancel")
        for i in range(5)
    ]
    (open_,) = [discount(world, "o", days_ago=1)]
    f = Filters(sort="prazo", subject=1)
    seen, page = [], tl.list_page(world.store, world.atendente, f, page_size=1)
    while True:
        seen += page.ids
        if page.next_key is None:
            break
        page = tl.list_page(world.store, world.atendente, f, after=page.next_key, page_size=1)
    assert seen == [open_, *sorted(closed)]


# --- the active filters, named --------------------------------------------------------------


def test_each_active_filter_has_a_label_the_sort_is_not_a_filter(world):
    options = tl.filter_options(world.store, world.atendente)
    fin = next(i for i, n in options.departments.items() if n == "FINANCEIRO")
    f = Filters(
        status=("N", "EP"),
        departments=(fin,),
        responsible=0,
        reason=3,
        decision="aprovado",
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        search="=1+1",
        sort="prazo",
    )
    assert tl.filter_labels(f, options) == {
        "status": "Status: Novo, Em progresso",
        "departments": "Departamento: FINANCEIRO",
        "responsible": "Sem responsável",
        "reason": "Motivo: 3 — Rompimento externo",
        "decision": "Decisão: Aprovado",
        "date_from": "Aberto de 01/11/2026",
        "date_to": "Aberto até 30/11/2026",
        "search": "Busca: “=1+1”",
    }
    assert tl.filter_labels(Filters(sort="prazo"), options) == {}
    assert Filters(sort="prazo").active() == []


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_moves_on_after_a_decision_and_stays_after_a_step():
    assert tl.moved_on(("EP", "pendente"), ("EP", "aprovado"))
    assert tl.moved_on(("EP", "pendente"), ("S", "reprovado"))
    assert tl.moved_on(("EP", "aprovado"), ("S", "aplicado"))
    assert tl.moved_on(("N", "pendente"), ("C", "cancelado"))
    assert tl.moved_on(("EP", None), ("S", None))  # a plain ticket solved
    assert tl.moved_on(("EP", "pendente"), None)  # gone
    assert not tl.moved_on(("N", "pendente"), ("EP", "pendente"))  # assumed: decide it now
    assert not tl.moved_on(("N", "aguardando_retorno"), ("N", "pendente"))  # signal returned
    assert not tl.moved_on(("S", "aplicado"), ("EP", "aprovado"))  # "aplicado" undone
    assert not tl.moved_on(("EP", None), ("P", None))  # pended
    assert not tl.moved_on(("N", None), ("N", None))  # a message


def test_the_next_in_queue_is_the_row_that_took_its_place():
    assert tl.next_in_queue([1, 2, 3], [1, 3], 2) == 3  # it left the filtered list
    assert tl.next_in_queue([1, 2, 3], [2, 3], 1) == 2
    assert tl.next_in_queue([1, 2, 3], [1, 2], 3) == 2  # it was the last: the one now last
    assert tl.next_in_queue([1, 2, 3], [1, 2, 3], 2) == 3  # still listed: the row below
    assert tl.next_in_queue([1, 2, 3], [1, 2, 3], 3) is None  # the last, still listed: stay
    assert tl.next_in_queue([1], [], 1) is None  # the queue is done
    assert tl.next_in_queue([1, 2, 3], [1, 4, 3], 2) == 3  # rows came and went meanwhile
    assert tl.next_in_queue([], [5, 6], 9) == 6  # opened from a link, not in the list


def test_ticket_state_reads_status_and_decision(world):
    d = discount(world, "a")
    (plain,) = plain_tickets(world, 1)
    assert tl.ticket_state(world.store, world.atendente, d) == ("N", "pendente")
    assert tl.ticket_state(world.store, world.atendente, plain) == ("N", None)
    assert tl.ticket_state(world.store, world.atendente, 10**9) is None


def test_a_search_still_finds_protocols_cpf_prefixes_and_opa(world):
    d = discount(world, "a")
    protocol = ticket_actions.ticket_detail(world.store, world.atendente, d)[0]["protocol"]
    assert _ids(world, Filters(search=f"  {protocol} ")) == {d}
    assert _ids(world, Filters(search="529.982")) == {d}
    assert _ids(world, Filters(search=" opaa0001")) == {d}
    assert _ids(world, Filters(search="52%")) == set()
