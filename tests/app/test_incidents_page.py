"""The Incidentes page, the NOC role and the automatic-compensation setting, through app.py
(issue 15)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from lib.discount import calculate_discount
from lib.domain import TZ
from lib.store import rows
from lib.usecases import settings
from tests.app.conftest import login, new_app, refused


def _naive(value: datetime) -> datetime:
    return value.astimezone(TZ).replace(tzinfo=None, second=0, microsecond=0)


def _open_incident(at, start: datetime) -> None:
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, at.exception
    at.session_state["inc0_start"] = _naive(start)
    at.radio(key="inc0_reason").set_value(3)
    at.text_input(key="inc0_title").input("Rompimento na Rua das Flores")
    at.multiselect(key="inc0_values_cto").select("CTO-CEN-001")
    at.button(key="incident_open").click().run()
    assert not at.exception, at.exception


def test_a_noc_user_created_on_the_users_page_sees_incidents(logged_in, app_env):
    at = logged_in("supervisor")
    at.switch_page("pages/users.py").run()
    assert "NOC" in at.selectbox(key="nu_role").options
    at.text_input(key="nu_name").input("Nina NOC")
    at.text_input(key="nu_username").input("nina")
    at.selectbox(key="nu_role").select("noc")
    at.text_input(key="nu_password").input("segura-123")
    at.text_input(key="nu_password2").input("segura-123")
    at.button(key="FormSubmitter:new_user-Criar usuário").click().run()
    assert at.success[0].value == "Usuário nina criado."
    noc = new_app().run()
    login(noc, "nina", "segura-123")
    assert not noc.exception, noc.exception
    noc.switch_page("pages/tickets.py").run()  # the NOC reads the tickets
    assert not noc.exception, noc.exception
    assert noc.title[0].value == "Atendimentos"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        noc.switch_page("pages/discount_request.py")
    noc.switch_page("pages/incidents.py").run()
    assert not noc.exception, noc.exception
    assert noc.title[0].value == "Incidentes"
    _open_incident(noc, datetime.now(TZ) - timedelta(hours=2))
    assert noc.success[0].value == "Incidente #1 aberto."


def test_open_close_and_a_stale_second_close(logged_in, app_env):
    at = logged_in("supervisor")
    _open_incident(at, datetime.now(TZ) - timedelta(hours=2))
    assert at.success[0].value == "Incidente #1 aberto."
    other = logged_in("supervisor")  # a second tab, drawn before the close
    other.switch_page("pages/incidents.py").run()
    at.button(key="incident_close_btn").click().run()
    assert at.success[0].value.startswith("Incidente #1 encerrado.")
    other.button(key="incident_close_btn").click().run()
    assert "já foi encerrado por Sara Supervisora" in refused(other.error[0].value)
    with app_env.store.read() as cur:
        (inc,) = rows(cur, "SELECT * FROM incident")
        events = rows(cur, "SELECT kind FROM incident_event ORDER BY id")
    assert inc["ended_at"] is not None
    assert [e["kind"] for e in events] == ["abrir", "encerrar"]


def test_charts_tab_draws_three_altair_charts(logged_in, app_env):
    at = logged_in("supervisor")
    _open_incident(at, datetime.now(TZ) - timedelta(hours=2))
    charts = at.get("vega_lite_chart")
    titles = [json.dumps(json.loads(c.proto.spec)["title"], ensure_ascii=False) for c in charts]
    assert len(charts) >= 3
    assert any("Incidentes por motivo e mês" in t for t in titles)
    assert any("mais clientes afetados" in t for t in titles)
    assert any("maior valor calculado" in t for t in titles)


def test_attendants_and_finance_do_not_manage_incidents(logged_in):
    at = logged_in("atendente")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/incidents.py")
    fin = logged_in("financeiro")
    fin.switch_page("pages/incidents.py").run()
    assert fin.title[0].value == "Incidentes"
    assert not [b for b in fin.button if b.key == "incident_open"]


def test_the_auto_compensation_toggle_is_saved_and_audited(logged_in, app_env):
    at = logged_in("supervisor")
    at.switch_page("pages/settings.py").run()
    assert at.toggle(key="cfg_inc_auto").value is False
    at.toggle(key="cfg_inc_auto").set_value(True).run()
    assert settings.current(app_env.store, app_env.supervisor).incident_auto_compensation is True
    with app_env.store.read() as cur:
        audit = rows(cur, "SELECT field, old_value, new_value FROM audit_log")
    assert {
        "field": "Ressarcimento automático ao encerrar incidente",
        "old_value": "desligado",
        "new_value": "ligado",
    } in audit
    at.number_input(key="cfg_inc_recent").set_value(7).run()
    assert settings.current(app_env.store, app_env.supervisor).incident_recent_days == 7


def test_finance_approves_an_incidents_requests_in_one_action(logged_in, app_env):
    from lib.usecases import discount_requests, incidents
    from lib.usecases.discount_requests import DiscountRequestInput
    from lib.usecases.incidents import IncidentInput

    w = app_env
    now = datetime.now(TZ).replace(second=0, microsecond=0)
    start = now - timedelta(hours=3)
    incident_id = incidents.open_incident(
        w.store,
        w.supervisor,
        IncidentInput(4, "Queda no concentrador", "", start, "bairro", ["Centro", "Taquaral"]),
        "k",
        now=now,
    )
    for login_id, contract_id, customer_id in (
        (w.maria_login, w.maria_contract, w.maria),
        (w.joao_logins[0], w.joao_contracts[0], w.joao),
    ):
        discount_requests.open_discount_request(
            w.store,
            w.atendente,
            DiscountRequestInput(
                customer_id=customer_id,
                login_id=login_id,
                contract_id=contract_id,
                reason=None,
                occurred_on=start.date(),
                opened_at=start + timedelta(minutes=30),
                signal_returned_at=None,
                opa_protocol="OPA123456",
                incident_id=incident_id,
            ),
            f"k{login_id}",
            now=now,
        )
    version = incidents.incident_view(w.store, w.supervisor, incident_id).incident["version"]
    incidents.close_incident(
        w.store, w.supervisor, incident_id, now - timedelta(hours=1), version, now=now
    )
    at = logged_in("financeiro")
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, at.exception
    button = at.button(key="incident_approve_all")
    assert button.label == "Aprovar os 2 pedidos pendentes"
    button.click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Aprovar em lote: 2 aprovados, 0 recusados."
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Aprovado"] == metrics["Calculado"] != "R$\xa00,00"  # read after the job
    with w.store.read() as cur:
        decided = rows(
            cur, "SELECT decision, approved_amount, computed_amount FROM discount_request"
        )
    assert [d["decision"] for d in decided] == ["aprovado", "aprovado"]
    assert all(d["approved_amount"] == d["computed_amount"] > 0 for d in decided)


def test_the_request_form_proposes_the_incident_and_saves_the_link(logged_in, app_env):
    from lib.usecases import incidents
    from lib.usecases.incidents import IncidentInput

    w = app_env
    start = datetime.now(TZ).replace(second=0, microsecond=0) - timedelta(hours=3)
    incident_id = incidents.open_incident(
        w.store,
        w.supervisor,
        IncidentInput(5, "Caixa furtada na Rua das Flores", "", start, "cto", ["CTO-CEN-001"]),
        "k",
    )
    at = logged_in("atendente")
    at.switch_page("pages/discount_request.py").run()
    at.text_input(key="dr0_q").input("maria").run()
    assert not at.exception, at.exception
    assert any(f"Este login está no Incidente #{incident_id}" in x.value for x in at.warning)
    at.button(key=f"discount_incident_accept_{incident_id}").click().run()
    assert at.session_state["dr0_reason"] == 5
    assert at.session_state["dr0_pending"] is True
    assert any("Pedido vinculado ao Incidente" in x.value for x in at.success)
    at.text_input(key="dr0_opa").input("OPA20261234").run()
    at.button(key="discount_save").click().run()
    assert not at.exception, at.exception
    with w.store.read() as cur:
        (req,) = rows(cur, "SELECT * FROM discount_request")
    assert req["incident_id"] == incident_id and req["reason"] == 5
    assert req["incident_started_at"] == start and req["decision"] == "aguardando_retorno"
    other = logged_in("atendente")  # João is outside the incident: nothing proposed
    other.switch_page("pages/discount_request.py").run()
    other.text_input(key="dr0_q").input("joão").run()
    assert other.session_state["dr0_customer"] == w.joao
    assert not [b for b in other.button if (b.key or "").startswith("discount_incident")]


def test_a_shared_link_opens_that_incident(logged_in, app_env):
    from lib.usecases import incidents
    from lib.usecases.incidents import IncidentInput

    start = datetime.now(TZ).replace(second=0, microsecond=0) - timedelta(hours=3)
    first = incidents.open_incident(
        app_env.store,
        app_env.supervisor,
        IncidentInput(3, "Primeiro", "", start, "cto", ["CTO-CEN-001"]),
        "a",
    )
    incidents.open_incident(
        app_env.store,
        app_env.supervisor,
        IncidentInput(4, "Segundo", "", start + timedelta(hours=1), "bairro", ["Taquaral"]),
        "b",
    )
    at = logged_in("financeiro")
    at.query_params["id"] = str(first)
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == f"\\#{first} Primeiro"  # plain text: the # escaped


def test_finance_merges_an_individual_request_from_the_overlaps_tab(logged_in, app_env):
    from lib.usecases import discount_requests, incidents
    from lib.usecases.discount_requests import DiscountRequestInput
    from lib.usecases.incidents import IncidentInput

    w = app_env
    now = datetime.now(TZ).replace(second=0, microsecond=0)
    start = now - timedelta(hours=4)
    incident_id = incidents.open_incident(
        w.store,
        w.supervisor,
        IncidentInput(3, "Rompimento", "", start, "cto", ["CTO-CEN-001"]),
        "k",
        now=now,
    )
    opened = discount_requests.open_discount_request(  # Maria asked on her own
        w.store,
        w.atendente,
        DiscountRequestInput(
            customer_id=w.maria,
            login_id=w.maria_login,
            contract_id=w.maria_contract,
            reason=3,
            occurred_on=start.date(),
            opened_at=start + timedelta(hours=1),
            signal_returned_at=start + timedelta(hours=2),
            opa_protocol="OPA123456",
        ),
        "ind",
        now=now,
    )
    at = logged_in("financeiro")
    at.switch_page("pages/incidents.py").run()
    assert any(f"#{opened.ticket_id}" in t.value for t in at.text)
    at.button(key=f"incident_merge_{opened.ticket_id}").click().run()
    assert not at.exception, at.exception
    assert "Incorporado ao incidente" in at.success[0].value
    with w.store.read() as cur:
        (req,) = rows(
            cur, "SELECT incident_id, incident_started_at, computed_amount FROM discount_request"
        )
    # the period now starts at the incident's start: 2 h, not the 1 h Maria's request had
    expected = calculate_discount(Decimal("99.90"), start, start + timedelta(hours=2)).amount
    assert req == {
        "incident_id": incident_id,
        "incident_started_at": start,
        "computed_amount": expected,
    }
