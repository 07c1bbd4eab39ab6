"""Issue 11, finance decisions through app.py: a stale second tab is refused by name, a large
amount asks for a confirmation checkbox, absurd amounts and invoice dates get pt-BR messages,
undo of "aplicado", the decision in the history, bulk apply and the new settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lib.domain import next_due_date
from lib.domain import now as clock_now
from lib.usecases import finance, settings, ticket_actions
from tests.app.conftest import refused
from tests.ticket_factory import discount


def open_page(logged_in, role: str):
    at = logged_in(role)
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    return at


def select(at, *positions: int):
    key = at.session_state["tk_table_key"]
    at.session_state[key] = {"selection": {"rows": list(positions), "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def submit(at, action: str, ticket_id: int, label: str):
    at.button(key=f"FormSubmitter:tk_form_{action}_{ticket_id}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def frame_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def decision_of(world, ticket_id: int) -> tuple[str, str, int | None]:
    with world.store.read() as cur:
        return cur.execute(
            "SELECT t.status, dr.decision, dr.decided_by FROM ticket t "
            "JOIN discount_request dr ON dr.ticket_id = t.id WHERE t.id = ?",
            [ticket_id],
        ).fetchone()


def test_a_stale_tab_cannot_cancel_an_approved_request(logged_in, app_env):
    d = discount(app_env, "a", days_ago=1)
    ticket_actions.assume(app_env.store, app_env.financeiro, d)
    at = open_page(logged_in, "financeiro")  # this tab shows Em progresso / Pendente
    select(at, 0)
    finance.approve(app_env.store, app_env.supervisor, d)  # the other tab approves
    at.text_area(key=f"tk_cancelar_reason_{d}").set_value("Aberto em duplicidade")
    submit(at, "cancelar", d, "Cancelar")
    assert at.error[0].value.startswith("O desconto foi aprovado por Sara Supervisora às ")
    assert decision_of(app_env, d) == ("EP", "aprovado", app_env.supervisor.id)


def test_a_large_amount_asks_for_a_confirmation_bound_to_it(logged_in, app_env):
    d = discount(app_env, "a", days_ago=1)  # fee R$ 99,90
    ticket_actions.assume(app_env.store, app_env.supervisor, d)
    at = open_page(logged_in, "supervisor")
    select(at, 0)
    confirm = f"tk_aprovar_confirm_{d}"
    assert confirm not in {c.key for c in at.checkbox}  # nothing to confirm yet
    at.text_input(key=f"tk_aprovar_amount_{d}").set_value("123456,00")
    at.text_input(key=f"tk_aprovar_reason_{d}").set_value("Acordo comercial")
    submit(at, "aprovar", d, "Aprovar")
    assert "Confirmo o valor acima de 3 mensalidades" in at.error[0].value
    assert decision_of(app_env, d)[1] == "pendente"
    box = at.checkbox(key=confirm)
    assert box.label == "Confirmo o valor acima de 3 mensalidades (R$\xa0123.456,00)"
    # ticked, but for another amount typed afterwards: asked again
    box.check()
    at.text_input(key=f"tk_aprovar_amount_{d}").set_value("223456,00")
    submit(at, "aprovar", d, "Aprovar")
    assert "Confirmo o valor acima" in at.error[0].value
    assert at.checkbox(key=confirm).label.endswith("(R$\xa0223.456,00)")
    assert not at.checkbox(key=confirm).value
    at.checkbox(key=confirm).check()
    submit(at, "aprovar", d, "Aprovar")
    assert at.success[0].value == "Desconto de R$\xa0223.456,00 aprovado."
    with app_env.store.read() as cur:
        amount = cur.execute(
            "SELECT approved_amount FROM discount_request WHERE ticket_id = ?", [d]
        ).fetchone()[0]
    assert amount == Decimal("223456.00")


def test_absurd_amounts_get_pt_br_messages_not_tracebacks(logged_in, app_env):
    d = discount(app_env, "a", days_ago=1)
    ticket_actions.assume(app_env.store, app_env.supervisor, d)
    at = open_page(logged_in, "supervisor")
    select(at, 0)
    for typed, message in [
        (
            "99.999.999.999,99",
            "Valor ajustado: Valor alto demais: o máximo é R$\xa09.999.999.999,99.",
        ),
        ("1e1", "Valor ajustado: Valor inválido: 1e1. Use o formato 1.234,56."),
        ("0", "Um desconto de R$ 0,00 não é uma aprovação: para negar o pedido, use Reprovar"),
    ]:
        at.text_input(key=f"tk_aprovar_amount_{d}").set_value(typed)
        at.text_input(key=f"tk_aprovar_reason_{d}").set_value("teste")
        submit(at, "aprovar", d, "Aprovar")
        assert at.error[0].value.startswith(message), at.error[0].value
    assert decision_of(app_env, d)[1] == "pendente"


def test_apply_checks_the_date_records_the_invoice_and_can_be_undone(logged_in, app_env):
    d = discount(app_env, "a", days_ago=1)
    ticket_actions.assume(app_env.store, app_env.financeiro, d)
    finance.approve(app_env.store, app_env.financeiro, d)
    at = open_page(logged_in, "financeiro")
    select(at, 0)
    at.date_input(key=f"tk_aplicar_due_{d}").set_value(date(2020, 1, 1))
    submit(at, "aplicar", d, "Marcar como aplicado")
    assert "anterior à interrupção" in at.error[0].value
    assert decision_of(app_env, d)[:2] == ("EP", "aprovado")
    due = next_due_date(10, clock_now().date())
    at.date_input(key=f"tk_aplicar_due_{d}").set_value(due)
    at.text_input(key=f"tk_aplicar_invoice_{d}").set_value("FAT-0042")
    submit(at, "aplicar", d, "Marcar como aplicado")
    assert "marcado como aplicado" in at.success[0].value
    assert decision_of(app_env, d)[:2] == ("S", "aplicado")
    view = next(d.value for d in at.dataframe if "Fatura (número)" in set(d.value.get("Campo", [])))
    assert dict(zip(view["Campo"], view["Valor"], strict=True))["Fatura (número)"] == "FAT-0042"
    # undo, reason required
    submit(at, "desfazer_aplicacao", d, "Desfazer aplicação")
    assert refused(at.error[0].value) == "Desfazer aplicação: informe o motivo."
    at.text_area(key=f"tk_desfazer_aplicacao_reason_{d}").set_value("Cobrança recusou")
    submit(at, "desfazer_aplicacao", d, "Desfazer aplicação")
    assert at.success[0].value.startswith("Aplicação desfeita")
    assert decision_of(app_env, d)[:2] == ("EP", "aprovado")
    history = frame_with(at, "Ação")
    assert list(history["Ação"])[:4] == [
        "Desfazer aplicação",
        "Marcar como aplicado",
        "Aprovar",
        "Assumir",
    ]
    assert list(history["Decisão"])[:3] == [
        "Aplicado → Aprovado",
        "Aprovado → Aplicado",
        "Pendente → Aprovado",
    ]


def test_bulk_apply_with_refusals(logged_in, app_env):
    a = discount(app_env, "a", days_ago=0)
    b = discount(app_env, "b", days_ago=1, contract="joao")
    for t in (a, b):
        ticket_actions.assume(app_env.store, app_env.financeiro, t)
    finance.approve(app_env.store, app_env.financeiro, a)
    at = open_page(logged_in, "financeiro")
    select(at, 0, 1)
    at.button(key="tk_bulk_aplicar").click().run()
    assert not at.exception, at.exception
    assert at.warning[0].value == "Marcar como aplicado em lote: 1 aplicado, 1 recusado."
    refused = frame_with(at, "Motivo da recusa")
    assert "o desconto está pendente" in refused.iloc[0, 1]
    assert decision_of(app_env, a)[:2] == ("S", "aplicado")
    assert decision_of(app_env, b)[:2] == ("EP", "pendente")


def test_an_attendant_sees_no_bulk_apply(logged_in, app_env):
    discount(app_env, "a")
    at = open_page(logged_in, "atendente")
    select(at, 0)
    assert "tk_bulk_aplicar" not in {b.key for b in at.button}


def test_settings_page_saves_the_new_rules(logged_in, app_env):
    at = logged_in("supervisor")
    at.switch_page("pages/settings.py").run()
    at.text_input(key="cfg_confirm").input("5")
    at.number_input(key="cfg_invoice_age").set_value(45)
    at.number_input(key="cfg_invoice_ahead").set_value(90)
    at.button(key="FormSubmitter:settings-Salvar configurações").click().run()
    assert at.success[0].value == "Configurações salvas."
    rules = settings.current(app_env.store, app_env.supervisor)
    assert (rules.confirm_fee_multiple, rules.invoice_max_age_days) == (Decimal("5"), 45)
    assert rules.invoice_max_ahead_days == 90
    at.text_input(key="cfg_confirm").input("1e1")
    at.button(key="FormSubmitter:settings-Salvar configurações").click().run()
    assert "número inválido" in at.error[0].value
