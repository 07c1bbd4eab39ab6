"""In real Chromium (issue 15): a supervisor opens an incident over a CTO box; an attendant
opening a request for a customer on that box sees the incident proposed, links it and saves;
closing the incident computes the request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lib.discount import calculate_discount
from lib.domain import now as clock_now
from lib.store import rows
from tests.e2e.conftest import login, screenshot, wait_idle
from tests.e2e.test_discount_request_e2e import type_date

pytestmark = pytest.mark.e2e


def _nav(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
    wait_idle(page)
    page.get_by_role("heading", name=title).first.wait_for()


def test_incident_is_proposed_on_the_request_form_and_closing_computes_it(server, page):
    login(page, server.url, "supervisor")
    _nav(page, "Incidentes")
    page.get_by_text("Nenhum incidente registrado.").wait_for()
    page.get_by_text("Abrir incidente").first.click()
    page.get_by_text("3. Rompimento externo").click()
    wait_idle(page)
    started = clock_now().replace(second=0, microsecond=0) - timedelta(hours=2)
    type_date(page, "inc0_start", started)
    page.locator(".st-key-inc0_title input").fill("Rompimento na Rua das Flores")
    page.locator(".st-key-inc0_title input").press("Tab")
    wait_idle(page)
    page.locator(".st-key-inc0_values_cto").click()
    page.get_by_role("option", name="CTO-CEN-001").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.get_by_role("button", name="Abrir incidente").click()
    wait_idle(page)
    page.get_by_text("Incidente #1 aberto.").wait_for()
    page.get_by_role("heading", name="#1 Rompimento na Rua das Flores").wait_for()
    screenshot(page, "incident-opened")

    page.context.clear_cookies()
    login(page, server.url, "atendente")
    _nav(page, "Desconto em fatura")
    page.locator(".st-key-dr0_q input").fill("maria")
    proposal = page.locator(".st-key-discount_incident")
    proposal.get_by_text("Este login está no Incidente #1").wait_for()
    proposal.get_by_text("Rompimento na Rua das Flores").wait_for()
    screenshot(page, "incident-proposed")
    proposal.get_by_role("button", name="Vincular ao incidente #1").click()
    wait_idle(page)
    proposal.get_by_text("Pedido vinculado ao Incidente #1").wait_for()
    page.locator(".st-key-dr0_opa input").fill("OPA2026998877")
    page.locator(".st-key-dr0_opa input").press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="Registrar pedido de desconto").click()
    wait_idle(page)
    page.locator(".st-key-discount_result").get_by_text("Pedido de desconto registrado").wait_for()

    # the supervisor closes the incident: the linked request gets the return and its value
    page.context.clear_cookies()
    login(page, server.url, "supervisor")
    _nav(page, "Incidentes")
    page.get_by_role("button", name="Encerrar incidente").click()
    wait_idle(page)
    page.get_by_text("Incidente #1 encerrado.").wait_for()
    page.get_by_text("Retorno do sinal registrado em 1 pedido").first.wait_for()
    server.stop()
    store = server.store()
    with store.read() as cur:
        (req,) = rows(cur, "SELECT * FROM discount_request")
        (inc,) = rows(cur, "SELECT * FROM incident")
    store.close()
    assert req["incident_id"] == inc["id"] == 1
    assert req["incident_started_at"] == inc["started_at"]
    assert req["signal_returned_at"] == inc["ended_at"]
    assert req["decision"] in ("pendente",)
    expected = calculate_discount(req["monthly_fee"], inc["started_at"], inc["ended_at"])
    assert req["computed_amount"] == expected.amount
    assert inc["started_at"] == started
    assert (
        timedelta(hours=2) <= inc["ended_at"] - inc["started_at"] < timedelta(hours=2, minutes=10)
    )
