"""Issue 11 through app.py: the attendant's request form and Novo atendimento refuse what they
cannot save as shown, ask for explicit confirmations, and never show a stale protocol."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from lib.domain import TZ
from lib.domain import now as clock_now
from lib.store import rows
from tests.app.test_discount_request import (
    _other_request,
    base_times,
    blocking,
    fill,
    k,
    local,
    open_page,
    save,
    tickets,
    warnings,
)
from tests.app.test_new_ticket import choose_subject, pick_customer, ticket_count
from tests.app.test_new_ticket import k as nk
from tests.app.test_new_ticket import save as save_ticket


def exceptions(store) -> list[dict]:
    with store.read() as cur:
        return rows(
            cur,
            """SELECT confirmation_reason, overlap_override_by, overlap_override_reason,
                      exception_note FROM discount_request ORDER BY ticket_id""",
        )


def refused(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error if e.value.startswith("Não foi salvo"))


# --- 10. overlap


def test_an_overlap_blocks_the_attendant_and_a_supervisor_releases_it(logged_in, app_env):
    opened, _ = base_times()
    other = _other_request(app_env, opened - timedelta(hours=1), opened + timedelta(hours=1))
    at = fill(open_page(logged_in))
    assert f"**Período:** Sobrepõe o desconto #{other}" in blocking(at)
    assert not [c for c in at.checkbox if c.key == k(at, "overlap_ok")]  # not for an attendant
    assert any("Só um supervisor libera" in c.value for c in at.caption)
    save(at)
    assert len(tickets(app_env.store)) == 1 and "Sobrepõe" in refused(at)

    at = fill(open_page(logged_in, "supervisor"))
    assert "Sobrepõe" in blocking(at)
    at.checkbox(key=k(at, "overlap_ok")).check().run()
    assert "Sobrepõe" in blocking(at)  # a release needs its reason
    at.text_input(key=k(at, "overlap_reason")).input("Dois pontos no mesmo contrato").run()
    assert not blocking(at)
    assert "Liberada pelo supervisor: Dois pontos no mesmo contrato" in warnings(at)
    save(at)
    assert len(tickets(app_env.store)) == 2
    last = exceptions(app_env.store)[-1]
    assert last["overlap_override_by"] == app_env.supervisor.id
    assert last["overlap_override_reason"] == "Dois pontos no mesmo contrato"


# --- 11. an exact key picks its customer, login and contract


def test_an_exact_login_picks_the_customer_its_login_and_contract(logged_in, app_env):
    at = open_page(logged_in)
    at.text_input(key=k(at, "q")).input("joao.loja").run()
    w = app_env
    assert at.selectbox(key=k(at, "customer")).value == w.joao
    assert at.selectbox(key=k(at, f"login_{w.joao}")).value == w.joao_logins[1]
    contract = at.selectbox(key=k(at, f"contract_{w.joao}_{w.joao_logins[1]}"))
    assert contract.value == w.joao_contracts[1]
    assert not at.exception


# --- 12. no error list on an untouched form; the notice goes with a new customer


def test_an_untouched_form_shows_no_error_list(logged_in, app_env):
    at = open_page(logged_in)
    assert not blocking(at) and not at.error
    assert any("Escolha o cliente e o contrato" in c.value for c in at.caption)
    at.text_input(key=k(at, "opa")).input("x").run()  # typed into: now the list shows
    assert "**Cliente:** Escolha o cliente." in blocking(at)


def test_after_a_save_no_error_list_and_a_new_customer_clears_the_notice(logged_in, app_env):
    at = save(fill(open_page(logged_in)))
    (saved,) = tickets(app_env.store)
    assert saved["protocol"] in [c.value for c in at.code]
    assert not blocking(at) and not at.error  # the cleared form reads as cleared, not failed
    at.text_input(key=k(at, "q")).input("joao").run()  # a new customer, picked at once
    assert at.selectbox(key=k(at, "customer")).value == app_env.joao
    assert saved["protocol"] not in [c.value for c in at.code]
    assert not [s for s in at.success if "Pedido de desconto registrado" in s.value]


def test_the_notice_stays_while_no_customer_is_picked(logged_in, app_env):
    at = save(fill(open_page(logged_in)))
    (saved,) = tickets(app_env.store)
    at.radio(key=k(at, "reason")).set_value(2).run()  # typing into the next request
    assert saved["protocol"] in [c.value for c in at.code]


# --- 13. dates outside any plausible range: refused in pt-BR, never saved as something else


@pytest.mark.parametrize(
    "occurred, message",
    [
        (date(1900, 1, 1), "A data do ocorrido (01/01/1900) é de mais de 5 anos atrás"),
        # the widest the widget takes (a year 9999 never reaches the script: see the e2e test)
        (date(9998, 11, 30), "A data do ocorrido (30/11/9998) não pode estar no futuro"),
    ],
)
def test_an_implausible_data_ocorrido_is_refused(logged_in, app_env, occurred, message):
    at = fill(open_page(logged_in), occurred=occurred)
    assert message in blocking(at)
    save(at)
    assert tickets(app_env.store) == [] and message in refused(at)


def test_a_past_reserved_date_is_refused_on_novo_atendimento(logged_in, app_env):
    at = logged_in("atendente")
    at.switch_page("pages/new_ticket.py").run()
    pick_customer(at, "Maria")
    choose_subject(at, app_env.store, "LENTIDÃO")
    yesterday = clock_now().astimezone(TZ).date() - timedelta(days=1)
    at.date_input(key=nk(at, "reserved_date")).set_value(yesterday).run()
    shown = f"Data reservada: {yesterday:%d/%m/%Y} já passou"
    assert any(shown in e.value for e in at.error)  # under the field, before saving
    save_ticket(at)
    assert ticket_count(app_env.store) == 0
    assert shown in at.session_state["novo_error"]


def test_a_past_reserved_date_blocks_the_discount_form(logged_in, app_env):
    at = fill(open_page(logged_in))
    yesterday = clock_now().astimezone(TZ).date() - timedelta(days=1)
    at.date_input(key=k(at, "x_reserved_date")).set_value(yesterday).run()
    assert f"**Data reservada:** {yesterday:%d/%m/%Y} já passou" in blocking(at)
    save(at)
    assert tickets(app_env.store) == []


# --- 15. a login offers only its own contract


def test_a_login_offers_only_its_contract_and_a_contract_only_its_logins(logged_in, app_env):
    w = app_env
    at = open_page(logged_in)
    at.text_input(key=k(at, "q")).input("João").run()
    assert at.selectbox(key=k(at, f"login_{w.joao}")).value is None
    at.selectbox(key=k(at, f"contract_{w.joao}_None")).set_value(w.joao_contracts[1]).run()
    login = at.selectbox(key=k(at, f"login_{w.joao}"))
    assert login.value == w.joao_logins[1]  # the contract's only login, picked for it
    contract = at.selectbox(key=k(at, f"contract_{w.joao}_{w.joao_logins[1]}"))
    assert contract.options == [
        f"Contrato {w.joao_contracts[1]} · Fibra 100 Mega · R$\xa043,20 · vence dia 20"
    ]
    at.selectbox(key=k(at, f"login_{w.joao}")).set_value(w.joao_logins[0]).run()
    contract = at.selectbox(key=k(at, f"contract_{w.joao}_{w.joao_logins[0]}"))
    assert len(contract.options) == 1 and contract.value == w.joao_contracts[0]


# --- 17. under the minimum or past the deadline: confirm, with a reason finance will read


@pytest.mark.parametrize("case", ["below-minimum", "past-deadline"])
def test_an_exception_is_sent_only_with_a_confirmation_and_a_reason(logged_in, app_env, case):
    now = clock_now().replace(second=0, microsecond=0)
    opened, returned = base_times()
    if case == "below-minimum":
        returned = opened + timedelta(minutes=5)
        shown = "**Duração:** Interrupção de 5 min"
    else:
        opened = now - timedelta(days=100)
        returned = opened + timedelta(hours=2)
        shown = "**Data ocorrido:** O ocorrido foi há mais de 90 dias"
    at = fill(open_page(logged_in), opened=opened, returned=returned)
    assert shown in blocking(at) and "confirme e escreva o motivo" in blocking(at)
    assert at.text_input(key=k(at, "confirm_reason")).disabled
    save(at)
    assert tickets(app_env.store) == []
    at.checkbox(key=k(at, "confirm")).check().run()
    assert shown in blocking(at)  # checked, but no reason yet
    at.text_input(key=k(at, "confirm_reason")).input("Cliente insiste; gerente autorizou").run()
    assert not blocking(at) and shown in warnings(at)
    save(at)
    assert len(tickets(app_env.store)) == 1
    (row,) = exceptions(app_env.store)
    assert row["confirmation_reason"] == "Cliente insiste; gerente autorizou"
    assert "confirmado por Ana Atendente" in row["exception_note"]


# --- 19. the incident's start


def test_an_earlier_incident_start_moves_the_data_ocorrido_and_a_later_one_is_flagged(
    logged_in, app_env
):
    opened, _ = base_times()
    at = fill(open_page(logged_in), reason=3)
    occurred = at.date_input(key=k(at, "occurred_on")).value
    assert occurred == opened.astimezone(TZ).date()
    earlier = opened - timedelta(days=2)
    at.datetime_input(key=k(at, "r35_start")).set_value(local(earlier)).run()
    assert at.date_input(key=k(at, "occurred_on")).value == earlier.astimezone(TZ).date()
    assert not blocking(at)
    later = opened + timedelta(minutes=30)
    at.datetime_input(key=k(at, "r35_start")).set_value(local(later)).run()
    assert "**Início do incidente:** O início do incidente" in warnings(at)
    assert "o início do incidente não é usado" in warnings(at)
    # a later start moves the day back nowhere: the attendant's Data ocorrido stays
    assert at.date_input(key=k(at, "occurred_on")).value == earlier.astimezone(TZ).date()
