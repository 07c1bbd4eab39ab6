"""Atendimentos through app.py, for what a finance manager must be able to trust: no filter is
hidden (each one a chip that removes it, an empty result names them), a period that ends before
it starts is refused before any query, a click on any cell opens the ticket beside the list,
and after each decision the detail moves on to the next request."""

from __future__ import annotations

from datetime import date

import pytest

from lib.store import ticket_list as q
from lib.usecases import finance, ticket_actions
from lib.usecases import ticket_list as tl
from tests.ticket_factory import discount, plain_tickets


def open_page(at, params: dict | None = None):
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    return at


def caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Atendimentos "))


def chips(at) -> dict[str, str]:
    return {b.key: b.label for b in at.button if (b.key or "").startswith("tk_chip_")}


def param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[-1] if isinstance(value, list) else value


def click_cell(at, row: int, column: str = "Cliente"):
    key = at.session_state["tk_table_key"]
    at.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": [(row, column)]}}
    at.run()
    assert not at.exception, at.exception
    return at


def tick(at, *rows: int):
    key = at.session_state["tk_table_key"]
    cells = at.session_state[key]["selection"]["cells"]
    at.session_state[key] = {"selection": {"rows": list(rows), "columns": [], "cells": cells}}
    at.run()
    assert not at.exception, at.exception
    return at


def open_id(at) -> int | None:
    value = param(at, "id")
    return int(value) if value else None


def protocol_of(world, ticket_id: int) -> str:
    return ticket_actions.ticket_detail(world.store, world.atendente, ticket_id)[0]["protocol"]


def submit(at, action: str, ticket_id: int, label: str):
    at.button(key=f"FormSubmitter:tk_form_{action}_{ticket_id}-{label}").click().run()
    assert not at.exception, at.exception
    return at


# --- 6: every active filter shows, and an empty result says which ---------------------------


def test_the_shortcuts_filter_is_a_chip_and_an_empty_result_names_it(logged_in, app_env):
    approved = discount(app_env, "a", days_ago=2)
    ticket_actions.assume(app_env.store, app_env.financeiro, approved)
    finance.approve(app_env.store, app_env.financeiro, approved)
    pending = discount(app_env, "b", days_ago=1, contract="joao")
    label, shortcut = tl.SHORTCUTS[1]
    assert label == "Aprovados ainda não aplicados na fatura"
    at = open_page(logged_in("financeiro"), shortcut.to_query())
    assert chips(at) == {"tk_chip_decision": "Decisão: Aprovado"}  # not only in "Mais filtros"
    assert caption(at) == "Atendimentos 1–1 de 1"

    wanted = protocol_of(app_env, pending)
    at.text_input(key="tk_f_search").set_value(wanted).run()
    assert caption(at) == "Atendimentos 0 de 0"
    assert at.info[0].value == (
        f"Nenhum atendimento com estes filtros: Decisão: Aprovado; Busca: “{wanted}”"
    )
    assert {"tk_empty_clear", "tk_empty_search_all"} <= {b.key for b in at.button}
    assert chips(at)["tk_chip_all"] == "Limpar filtros"

    at.button(key="tk_chip_decision").click().run()  # remove the hidden filter
    assert at.selectbox(key="tk_f_decision").value is None
    assert param(at, "decisao") is None and param(at, "busca") == wanted
    assert param(at, "ordem") == "prazo"  # the order is not a filter: it stays
    assert caption(at) == "Atendimentos 1–1 de 1" and "tk_chip_decision" not in chips(at)


def test_search_everywhere_keeps_only_the_search_and_clear_keeps_the_order(logged_in, app_env):
    (plain,) = plain_tickets(app_env, 1)
    at = open_page(
        logged_in("atendente"),
        {"decisao": "aprovado", "status": "EP", "ordem": "prazo", "busca": "joão"},
    )
    assert set(chips(at)) == {"tk_chip_search", "tk_chip_status", "tk_chip_decision", "tk_chip_all"}
    assert caption(at) == "Atendimentos 0 de 0"
    at.button(key="tk_empty_search_all").click().run()
    assert set(chips(at)) == {"tk_chip_search"} and param(at, "busca") == "joão"
    assert caption(at) == "Atendimentos 1–1 de 1" and open_id(at) is None
    at.button(key="tk_chip_search").click().run()
    assert chips(at) == {} and param(at, "busca") is None and param(at, "ordem") == "prazo"
    assert plain


def test_a_typed_search_in_a_chip_reads_as_typed(logged_in, app_env):
    plain_tickets(app_env, 1)
    at = open_page(logged_in("atendente"))
    at.text_input(key="tk_f_search").set_value("**x** [a](http://b)").run()
    label = chips(at)["tk_chip_search"]
    assert label.startswith("Busca: “\\*\\*x\\*\\* \\[a\\]") and "http\u2060://" in label


# --- 8: a period that ends before it starts ---------------------------------------------------


def test_a_reversed_period_is_refused_in_pt_br_and_nothing_is_queried(
    logged_in, app_env, monkeypatch
):
    d = discount(app_env, "a")
    at = open_page(logged_in("financeiro"))

    blocked = [True]

    def guard(real):
        def call(*args, **kwargs):
            assert not blocked[0], "queried"
            return real(*args, **kwargs)

        return call

    for name in ("page", "count", "status_department_counts", "matching_customers"):
        monkeypatch.setattr(q, name, guard(getattr(q, name)))
    at.date_input(key="tk_f_date_from").set_value(date(2026, 11, 30))
    at.date_input(key="tk_f_date_to").set_value(date(2026, 11, 1)).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Período invertido: “Aberto até” (01/11/2026) é anterior a “Aberto de” (30/11/2026). "
        "Corrija uma das datas para buscar."
    ]
    assert not any(c.value.startswith("Atendimentos ") for c in at.caption)  # no "0 de 0"
    assert chips(at)["tk_chip_date_to"] == "Aberto até 01/11/2026"
    blocked[0] = False
    at.button(key="tk_chip_date_to").click().run()
    assert not at.error and caption(at) == "Atendimentos 1–1 de 1"
    assert param(at, "ate") is None and param(at, "de") == "2026-11-30"
    assert d


# --- 9: a click opens the ticket beside the list; the queue moves on ---------------------------


def test_a_click_on_any_cell_opens_the_ticket_beside_the_list(logged_in, app_env):
    older = discount(app_env, "a", days_ago=3)
    newer = discount(app_env, "b", days_ago=1, contract="joao")
    at = open_page(logged_in("financeiro"))
    assert not at.subheader and len(at.columns) > 4  # the list alone, the whole width
    click_cell(at, 1, "Cliente")  # newest first: row 1 is the older request
    assert open_id(at) == older
    # the page is two columns: the list (with the filters) and the detail from the top
    list_col = at.columns[0]  # the first column drawn: title, filters and the list
    detail_col = next(c for c in at.columns if c.subheader)
    assert list_col.get("title")[0].value == "Atendimentos" and not list_col.subheader
    assert list_col.weight + detail_col.weight == pytest.approx(1)  # side by side
    assert detail_col.subheader[0].value.startswith(f"Atendimento {protocol_of(app_env, older)}")
    key = at.session_state["tk_table_key"]
    assert at.session_state[key]["selection"]["cells"] == [(1, "Protocolo")]  # its row marked
    click_cell(at, 0, "Valor")
    assert open_id(at) == newer
    tick(at, 0, 1)  # boxes for the bulk actions: the detail stays
    assert open_id(at) == newer and at.button(key="tk_bulk_aprovar")
    at.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at.run()  # the person cleared the selection: the detail closes
    assert open_id(at) is None and not at.subheader


def test_after_each_decision_the_detail_moves_on_to_the_next_request(logged_in, app_env):
    queue = [
        discount(app_env, "a", days_ago=3),
        discount(app_env, "b", days_ago=2, contract="joao"),
        discount(app_env, "c", days_ago=1, contract="joao2"),
    ]
    at = open_page(logged_in("financeiro"), tl.SHORTCUTS[0][1].to_query())  # by deadline
    click_cell(at, 0)
    first, second, third = queue
    assert open_id(at) == first
    at.button(key=f"tk_assumir_{first}").click().run()
    assert open_id(at) == first  # assumed: now decide it
    assert at.success[0].value == "Atendimento assumido com sucesso!"
    submit(at, "aprovar", first, "Aprovar")
    assert open_id(at) == second
    assert at.success[0].value == (
        f"Desconto de R$\xa00,79 aprovado — protocolo {protocol_of(app_env, first)}. "
        "Abrindo o próximo da lista."
    )
    key = at.session_state["tk_table_key"]
    assert at.session_state[key]["selection"]["cells"] == [(0, "Protocolo")]
    # a double click: the second, refused as stale, arrives after the move; it is not news
    at.session_state["tk_flash"] = ("error", "Não é possível aprovar: já aprovado.", first)
    at.run()
    assert not at.error and open_id(at) == second and "tk_flash" not in at.session_state
    at.button(key=f"tk_assumir_{second}").click().run()
    at.text_area(key=f"tk_reprovar_reason_{second}").set_value("Fora das regras")
    submit(at, "reprovar", second, "Reprovar")
    assert open_id(at) == third and caption(at) == "Atendimentos 1–1 de 1"
    at.button(key=f"tk_assumir_{third}").click().run()
    submit(at, "aprovar", third, "Aprovar")
    assert open_id(at) is None and caption(at) == "Atendimentos 0 de 0"
    assert at.success[0].value.endswith("Nenhum outro atendimento nesta lista.")
    assert [at.info[i].value for i in range(len(at.info))][-1] == "Nenhum atendimento aberto."


def test_a_refused_decision_stays_on_the_request(logged_in, app_env):
    first = discount(app_env, "a", days_ago=3)
    discount(app_env, "b", days_ago=2, contract="joao")
    at = open_page(logged_in("financeiro"), tl.SHORTCUTS[0][1].to_query())
    click_cell(at, 0)
    at.button(key=f"tk_assumir_{first}").click().run()
    finance.reject(app_env.store, app_env.supervisor, first, "Outra pessoa decidiu")  # meanwhile
    submit(at, "aprovar", first, "Aprovar")
    assert at.error and open_id(at) == first  # the refusal is read where it happened


@pytest.mark.parametrize("last", [False, True])
def test_without_a_filter_the_decided_request_stays_listed_and_the_row_below_opens(
    logged_in, app_env, last
):
    older = discount(app_env, "a", days_ago=3)
    newer = discount(app_env, "b", days_ago=1, contract="joao")
    at = open_page(logged_in("financeiro"))  # newest first: newer, older
    row, ticket = (1, older) if last else (0, newer)
    click_cell(at, row)
    at.button(key=f"tk_assumir_{ticket}").click().run()
    submit(at, "aprovar", ticket, "Aprovar")
    # the row below when there is one; the last row stays open (its success shown on it)
    assert open_id(at) == (ticket if last else older)
    assert caption(at) == "Atendimentos 1–2 de 2"
    if last:
        assert at.success[0].value == "Desconto de R$\xa00,79 aprovado."


def test_a_link_from_another_page_opens_its_ticket_after_a_visit_to_the_list(logged_in, app_env):
    first = discount(app_env, "a", days_ago=3)
    second = discount(app_env, "b", days_ago=1, contract="joao")
    at = open_page(logged_in("financeiro"))
    click_cell(at, 1)
    assert open_id(at) == first
    at.switch_page("pages/home.py").run()
    at = open_page(at, {"id": str(second)})  # e.g. the link after registering a request
    assert open_id(at) == second
    assert at.subheader[0].value.startswith(f"Atendimento {protocol_of(app_env, second)}")
