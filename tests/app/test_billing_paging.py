"""Issue 17, Faturamento through AppTest: the summary first, the candidates paged, and "Criar
lote" with exactly the rows on screen (this page, or the rows selected); a second tab that
went stale is refused in Portuguese."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lib.domain import now as clock_now
from lib.usecases import billing, finance, ticket_actions
from tests.app.conftest import refused
from tests.ticket_factory import discount


@pytest.fixture
def three(app_env, monkeypatch):
    """Three approved discounts due in the next 45 days; two rows a page."""
    monkeypatch.setattr(billing, "PAGE_SIZES", (2, 50))
    w = app_env
    now = clock_now()
    ids = []
    for key, contract in (("g1", "maria"), ("g2", "joao"), ("g3", "joao2")):
        t = discount(w, key, contract=contract)
        ticket_actions.assume(w.store, w.financeiro, t, now=now)
        finance.approve(w.store, w.financeiro, t, now=now)
        ids.append(t)
    return ids


def open_billing(logged_in):
    at = logged_in("financeiro")
    at.switch_page("pages/billing.py").run()
    at.date_input(key="bl_end").set_value(date.today() + timedelta(days=45)).run()
    assert not at.exception, at.exception
    return at


def shown(at) -> list[str]:
    return list(at.dataframe[-1].value["Protocolo"])  # the summary's table comes first


def sent(w, batch_id: int) -> list[str]:
    return sorted(i["protocol"] for i in billing.batch(w.store, w.financeiro, batch_id).items)


def test_summary_first_then_one_page_and_the_batch_takes_that_page(logged_in, app_env, three):
    at = open_billing(logged_in)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Aprovados, a enviar"].proto.delta == "3 descontos"
    assert metrics["Aplicados"].proto.delta == "0 descontos"
    page1 = shown(at)
    assert len(page1) == 2
    button = at.button(key="bl_create")
    assert button.label == "Criar lote com os 2 descontos desta página"
    assert "Os outros 1 do período ficam para outro lote." in button.help
    # page 2 holds the third one, and the button then takes only it
    at.number_input(key="bl_page").set_value(2).run()
    page2 = shown(at)
    assert len(page2) == 1 and not set(page2) & set(page1)
    at.number_input(key="bl_page").set_value(1).run()
    assert shown(at) == page1
    at.button(key="bl_create").click().run()
    assert not at.exception, at.exception
    assert "Lote nº 1 criado: 2 descontos" in at.success[0].value
    assert sent(app_env, 1) == sorted(page1)  # exactly the page shown, never the rest
    left = billing.candidates(
        app_env.store, app_env.financeiro, date.today(), date.today() + timedelta(days=45)
    )
    assert [c.protocol for c in left] == page2


def test_the_batch_takes_only_the_selected_rows(logged_in, app_env, three):
    at = open_billing(logged_in)
    page1 = shown(at)
    key = at.session_state["bl_rows_key"]
    at.session_state[key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    button = at.button(key="bl_create")
    assert button.label == "Criar lote com 1 desconto selecionado"
    button.click().run()
    assert "Lote nº 1 criado: 1 desconto" in at.success[0].value
    assert sent(app_env, 1) == [page1[1]]


def test_a_stale_second_tab_is_refused(logged_in, app_env, three):
    tab1 = open_billing(logged_in)
    tab2 = open_billing(logged_in)
    tab2.button(key="bl_create").click().run()
    assert "Lote nº 1 criado" in tab2.success[0].value
    tab1.button(key="bl_create").click().run()  # the rows it shows went in tab 2's batch
    assert not tab1.exception, tab1.exception
    assert refused(tab1.error[0].value) == (
        "Nenhum desconto aprovado e ainda não enviado tem fatura com vencimento neste "
        "período (os da lista já foram enviados ou mudaram)."
    )
    assert len(billing.batches(app_env.store, app_env.financeiro)) == 1
    assert shown(tab1) != []  # it now shows what is left: the third discount
    assert len(shown(tab1)) == 1


def test_only_the_tab_in_view_runs_its_queries(logged_in, app_env, three, monkeypatch):
    at = open_billing(logged_in)
    at.button(key="bl_create").click().run()  # a batch of page 1; the page moves to Lotes
    assert at.session_state["bl_tabs"] == "Lotes"

    def not_now(*args, **kwargs):
        raise AssertionError("the Novo lote tab is not in view")

    real = billing.period_view
    monkeypatch.setattr(billing, "period_view", not_now)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]  # the guard would show the failure
    assert [s.label for s in at.selectbox if s.label == "Lote"]  # Lotes drew its batch
    monkeypatch.setattr(billing, "period_view", real)  # (undo() would drop the store's env)
    at.session_state["bl_tabs"] = "Novo lote"
    at.run()
    assert len(shown(at)) == 1  # what is left of the period: the third discount


def test_a_selection_never_moves_to_another_row_when_the_list_changes(logged_in, app_env, three):
    w = app_env
    at = open_billing(logged_in)
    first, second = shown(at)
    at.session_state[at.session_state["bl_rows_key"]] = {
        "selection": {"rows": [1], "columns": [], "cells": []}
    }
    at.run()
    assert at.button(key="bl_create").label == "Criar lote com 1 desconto selecionado"
    # another session sends the first row: position 1 would now be a row never selected
    gone = next(
        c.ticket_id
        for c in billing.candidates(
            w.store, w.financeiro, date.today(), date.today() + timedelta(days=45)
        )
        if c.protocol == first
    )
    billing.create_batch(
        w.store, w.financeiro, date.today(), date.today() + timedelta(days=45), [gone]
    )
    at.run()
    assert shown(at)[0] == second
    assert at.button(key="bl_create").label == "Criar lote com 2 descontos"  # no selection
