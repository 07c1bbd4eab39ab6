"""The Atendimentos page through app.py: filters in the URL, counts, paging, every action,
refusals, a stale selection, bulk with partial refusals and the export's contents."""

from __future__ import annotations

import io
from datetime import date, time

import openpyxl
import pytest

from lib.store import scalar
from lib.usecases import ticket_actions
from tests.app.conftest import refused
from tests.ticket_factory import discount, plain_tickets


def open_page(logged_in, role: str):
    at = logged_in(role)
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    return at


def caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Atendimentos "))


def select(at, *positions: int):
    key = at.session_state["tk_table_key"]
    at.session_state[key] = {"selection": {"rows": list(positions), "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def table(at):
    return at.dataframe(key=at.session_state["tk_table_key"]).value


def frame_with(at, column: str):
    """The first table on screen with this column (only selectable tables keep their key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def submit(at, action: str, ticket_id: int, label: str):
    at.button(key=f"FormSubmitter:tk_form_{action}_{ticket_id}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def status_of(world, ticket_id: int) -> tuple[str, str | None]:
    with world.store.read() as cur:
        row = cur.execute(
            "SELECT t.status, dr.decision FROM ticket t "
            "LEFT JOIN discount_request dr ON dr.ticket_id = t.id WHERE t.id = ?",
            [ticket_id],
        ).fetchone()
    return row[0], row[1]


def test_filters_go_to_the_url_and_narrow_list_and_counts(logged_in, app_env):
    d = discount(app_env, "a")
    plain_tickets(app_env, 3)
    ticket_actions.assume(app_env.store, app_env.financeiro, d)
    at = open_page(logged_in, "financeiro")
    assert caption(at) == "Atendimentos 1–4 de 4"
    assert "Contagem por status e departamento · 4" in at.expander[1].label
    at.multiselect(key="tk_f_status").set_value(["EP"]).run()
    assert at.query_params["status"] == ["EP"] or at.query_params["status"] == "EP"
    assert caption(at) == "Atendimentos 1–1 de 1"
    assert list(table(at)["Assunto"]) == ["DESCONTO EM FATURA"]
    at.text_input(key="tk_f_search").set_value("joão").run()  # João has no EP ticket
    assert caption(at) == "Atendimentos 0 de 0"
    # the list says so (the count matrix's own line is built only while it is open)
    assert any(i.value.startswith("Nenhum atendimento com estes filtros:") for i in at.info)
    at.session_state["tk_counts_open"] = True
    at.run()
    assert "Nenhum atendimento com estes filtros." in [c.value for c in at.caption]


def test_a_count_cell_filters_to_itself(logged_in, app_env):
    discount(app_env, "a")
    plain_tickets(app_env, 3)
    at = open_page(logged_in, "atendente")
    with app_env.store.read() as cur:
        sup = scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")
    # collapsed (the default), the matrix's buttons are not built at all (issue 17)
    assert not [b for b in at.button if str(b.key).startswith("tk_cell_")]
    at.session_state["tk_counts_open"] = True  # the person opens the expander
    at.run()
    cell = at.button(key=f"tk_cell_N_{sup}")
    assert cell.label == "3"
    cell.click().run()
    assert at.multiselect(key="tk_f_status").value == ["N"]
    assert at.multiselect(key="tk_f_departments").value == [sup]
    assert caption(at) == "Atendimentos 1–3 de 3"
    assert set(table(at)["Departamento"]) == {"SUPORTE"}


def test_a_shared_link_opens_with_its_filters_and_ticket(logged_in, app_env):
    plain_tickets(app_env, 2)
    d = discount(app_env, "a")
    at = logged_in("financeiro")
    at.query_params["assunto"] = "1"  # DESCONTO EM FATURA
    at.query_params["id"] = str(d)
    at.switch_page("pages/tickets.py").run()
    assert at.selectbox(key="tk_f_subject").value == 1
    assert caption(at) == "Atendimentos 1–1 de 1"
    assert at.subheader[0].value.endswith("· DESCONTO EM FATURA")
    view = frame_with(at, "Campo")
    assert "Maria da Silva (529.982.247-25)" in set(view["Valor"])


def test_pages_of_fifty_by_key(logged_in, app_env):
    ids = plain_tickets(app_env, 120)
    at = open_page(logged_in, "atendente")
    assert caption(at) == "Atendimentos 1–50 de 120"
    first = list(table(at)["Protocolo"])
    assert at.button(key="tk_prev").disabled
    at.button(key="tk_next").click().run()
    assert caption(at) == "Atendimentos 51–100 de 120"
    at.button(key="tk_next").click().run()
    assert caption(at) == "Atendimentos 101–120 de 120" and at.button(key="tk_next").disabled
    assert len(table(at)) == 20
    at.button(key="tk_prev").click().run()
    at.button(key="tk_prev").click().run()
    assert caption(at) == "Atendimentos 1–50 de 120" and list(table(at)["Protocolo"]) == first
    at.selectbox(key="tk_f_sort").set_value("prazo").run()  # a new order starts at page 1
    assert caption(at) == "Atendimentos 1–50 de 120"
    assert len(ids) == 120


def test_deadline_and_formats_are_pt_br(logged_in, app_env):
    discount(app_env, "a", days_ago=80)
    at = open_page(logged_in, "financeiro")
    row = table(at).iloc[0]
    assert row["Valor"] == "R$\xa00,79"
    assert row["Abertura"][2] == "/" and row["Prazo"][2] == "/"


def test_financeiro_assumes_approves_with_adjustment_and_applies(logged_in, app_env):
    d = discount(app_env, "a", days_ago=2)  # before the real clock, so history sorts by it
    at = open_page(logged_in, "financeiro")
    select(at, 0)
    assert at.query_params["id"] in (str(d), [str(d)])
    assert at.subheader[0].value.startswith("Atendimento 2026")
    at.button(key=f"tk_assumir_{d}").click().run()
    assert at.success[0].value == "Atendimento assumido com sucesso!"
    assert status_of(app_env, d) == ("EP", "pendente")
    at.text_input(key=f"tk_aprovar_amount_{d}").set_value("0,50")
    at.text_input(key=f"tk_aprovar_reason_{d}").set_value("Cliente já recebeu crédito parcial")
    submit(at, "aprovar", d, "Aprovar")
    assert at.success[0].value == "Desconto de R$\xa00,50 aprovado."
    at.date_input(key=f"tk_aplicar_due_{d}").set_value(date(2026, 12, 10))
    submit(at, "aplicar", d, "Marcar como aplicado")
    assert "marcado como aplicado" in at.success[0].value
    assert status_of(app_env, d) == ("S", "aplicado")
    history = frame_with(at, "Ação")
    assert list(history["Ação"])[:3] == ["Marcar como aplicado", "Aprovar", "Assumir"]
    assert "Fábio Financeiro" in set(history["Quem"])


def test_forward_message_signal_return_reject_and_cancel(logged_in, app_env):
    waiting = discount(app_env, "a", days_ago=2, returned=False)
    (other,) = plain_tickets(app_env, 1)
    at = open_page(logged_in, "supervisor")
    select(at, 1)  # the discount request (the other ticket is newer)
    at.text_area(key=f"tk_mensagem_text_{waiting}").set_value("Cliente ligou de novo.")
    submit(at, "mensagem", waiting, "Adicionar mensagem")
    assert at.success[0].value == "Mensagem adicionada ao atendimento."
    at.date_input(key=f"tk_retorno_sinal_day_{waiting}").set_value(date(2026, 11, 28))
    at.time_input(key=f"tk_retorno_sinal_time_{waiting}").set_value(time(14, 40))
    submit(at, "retorno_sinal", waiting, "Informar retorno do sinal")
    assert at.success[0].value == "Retorno do sinal registrado. Desconto calculado: R$\xa00,79."
    assert status_of(app_env, waiting) == ("N", "pendente")
    at.button(key=f"tk_assumir_{waiting}").click().run()
    submit(at, "reprovar", waiting, "Reprovar")  # no reason: refused
    assert refused(at.error[0].value) == "Reprovar: informe o motivo da reprovação."
    at.text_area(key=f"tk_reprovar_reason_{waiting}").set_value("Fora das regras")
    submit(at, "reprovar", waiting, "Reprovar")
    assert status_of(app_env, waiting) == ("S", "reprovado")

    select(at, 0)
    with app_env.store.read() as cur:
        noc = scalar(cur, "SELECT id FROM department WHERE name = 'NOC'")
    at.selectbox(key=f"tk_encaminhar_dept_{other}").set_value(noc)
    at.text_area(key=f"tk_encaminhar_note_{other}").set_value("Rompimento na região")
    submit(at, "encaminhar", other, "Encaminhar")
    assert at.success[0].value == "Atendimento encaminhado para NOC."
    at.text_area(key=f"tk_cancelar_reason_{other}").set_value("Aberto em duplicidade")
    submit(at, "cancelar", other, "Cancelar")
    assert at.success[0].value.startswith("Atendimento cancelado — protocolo ")  # moved on
    assert status_of(app_env, other) == ("C", None)


def test_atendente_sees_no_finance_action(logged_in, app_env):
    d = discount(app_env, "a")
    at = open_page(logged_in, "atendente")
    select(at, 0)
    labels = {b.label for b in at.button}
    assert "Adicionar mensagem" in labels
    assert not labels & {
        "Assumir",
        "Aprovar",
        "Reprovar",
        "Cancelar",
        "Aprovar selecionados",
        "Encaminhar",  # a discount request stays in FINANCEIRO (issue 11, item 16)
    }
    assert "Assumir selecionados" not in labels
    assert status_of(app_env, d) == ("N", "pendente")


def test_a_stale_screen_cannot_act(logged_in, app_env):
    d = discount(app_env, "a")
    at = open_page(logged_in, "financeiro")
    select(at, 0)
    ticket_actions.assume(app_env.store, app_env.supervisor, d)  # someone else, meanwhile
    at.button(key=f"tk_assumir_{d}").click().run()
    assert at.error[0].value.startswith("Este atendimento já foi assumido por Sara Supervisora às")
    with app_env.store.read() as cur:
        assert scalar(cur, "SELECT responsible_id FROM ticket WHERE id = ?", [d]) == (
            app_env.supervisor.id
        )
        assert scalar(cur, "SELECT count(*) FROM movement WHERE kind = 'assumir'") == 1


def test_a_selection_does_not_survive_a_change_of_rows(logged_in, app_env):
    first = discount(app_env, "a", days_ago=1)
    at = open_page(logged_in, "financeiro")
    select(at, 0)
    assert at.subheader[0].value.startswith("Atendimento")
    old_key = at.session_state["tk_table_key"]
    newer = discount(app_env, "b", contract="joao")  # lands on top: position 0 is now another
    at.run()
    assert at.session_state["tk_table_key"] != old_key
    # the detail still shows the ticket the user picked, never the one now at position 0
    assert at.query_params["id"] in (str(first), [str(first)])
    assert f"tk_assumir_{first}" in {b.key for b in at.button}
    assert f"tk_assumir_{newer}" not in {b.key for b in at.button}


def test_bulk_assume_and_approve_with_partial_refusals(logged_in, app_env):
    a = discount(app_env, "a", days_ago=0)
    b = discount(app_env, "b", days_ago=1, contract="joao")
    c = discount(app_env, "c", days_ago=2, contract="joao2", returned=False)
    at = open_page(logged_in, "financeiro")
    select(at, 0, 1, 2)
    ticket_actions.assume(app_env.store, app_env.supervisor, b)
    at.button(key="tk_bulk_assumir").click().run()
    assert at.warning[0].value == "Assumir em lote: 2 assumidos, 1 recusado."
    refused = frame_with(at, "Motivo da recusa")
    assert len(refused) == 1 and "já foi assumido por Sara Supervisora" in refused.iloc[0, 1]
    assert [status_of(app_env, t)[0] for t in (a, b, c)] == ["EP", "EP", "EP"]
    select(at, 0, 1, 2)
    at.button(key="tk_bulk_aprovar").click().run()
    assert at.warning[0].value == "Aprovar em lote: 2 aprovados, 1 recusado."
    refused = frame_with(at, "Motivo da recusa")
    assert "Informe o retorno do sinal antes de aprovar" in refused.iloc[0, 1]
    assert [status_of(app_env, t)[1] for t in (a, b, c)] == [
        "aprovado",
        "aprovado",
        "aguardando_retorno",
    ]


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_export_carries_the_whole_filtered_set(logged_in, app_env, role):
    discount(app_env, "a")
    plain_tickets(app_env, 70)
    at = open_page(logged_in, role)
    at.multiselect(key="tk_f_status").set_value(["N"]).run()
    at.button(key="tk_export_prepare").click().run()
    export = at.session_state["tk_export"]
    assert export["rows"] == 71  # every filtered row, not the page of 50
    lines = export["csv"].decode("utf-8-sig").splitlines()
    assert len(lines) == 72 and lines[0].startswith("ID;Protocolo;Abertura;Status")
    assert sum(";DESCONTO EM FATURA;" in line and ";0,79;" in line for line in lines) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(export["xlsx"]))["Atendimentos"]
    assert sheet.max_row == 72
    assert {b.label for b in at.get("download_button")} == {"Baixar CSV", "Baixar XLSX"}


def test_a_general_ticket_is_pended_and_solved_from_the_list(logged_in, app_env):
    (ticket,) = plain_tickets(app_env, 1)
    d = discount(app_env, "a", days_ago=3)
    at = open_page(logged_in, "atendente")
    select(at, 0)
    labels = {b.label for b in at.button}
    assert "Solucionar" not in labels  # it must be assumed first
    at.button(key=f"tk_assumir_{ticket}").click().run()
    assert at.success[0].value == "Atendimento assumido com sucesso!"
    at.text_area(key=f"tk_pendenciar_note_{ticket}").set_value(
        "Aguardando o cliente reiniciar a ONU"
    )
    submit(at, "pendenciar", ticket, "Marcar como pendente")
    assert status_of(app_env, ticket) == ("P", None)
    at.button(key=f"tk_assumir_{ticket}").click().run()
    at.text_area(key=f"tk_solucionar_note_{ticket}").set_value("Conector trocado; sinal normal")
    submit(at, "solucionar", ticket, "Solucionar")
    assert at.success[0].value.startswith("Atendimento solucionado — protocolo ")  # moved on
    assert status_of(app_env, ticket) == ("S", None)
    # a discount request is never solved by hand
    ticket_actions.assume(app_env.store, app_env.financeiro, d)
    at = open_page(logged_in, "supervisor")
    select(at, 1)
    assert "DESCONTO EM FATURA" in at.subheader[-1].value
    assert {"Aprovar", "Marcar como pendente"} <= {b.label for b in at.button}
    assert "Solucionar" not in {b.label for b in at.button}
