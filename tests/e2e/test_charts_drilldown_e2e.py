"""In real Chromium: a click on a month of the monthly chart, and the link under "Prazo
vencido", open Atendimentos with the filters that list what was clicked."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from lib.domain import now as clock_now
from tests.e2e.conftest import wait_idle
from tests.e2e.test_charts_e2e import CHART, charts_server, open_charts  # noqa: F401

pytestmark = pytest.mark.e2e


def test_clicking_a_month_opens_its_requests(charts_server, page):  # noqa: F811
    open_charts(page, charts_server.url)
    monthly = page.locator(CHART).nth(1)
    monthly.locator("g.role-mark path").first.wait_for(state="attached")
    page.wait_for_timeout(500)
    bars = monthly.evaluate(
        """el => Array.from(el.querySelectorAll('g.role-mark path')).map(p => {
             const r = p.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"""
    )
    # the rightmost bar is November 2026 (A and B, reason 3)
    x, y, w, h = max(bars, key=lambda b: b[0])
    page.mouse.click(x + w / 2, y + h / 2)
    page.wait_for_url("**/atendimentos?**")
    wait_idle(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["de"] == ["2026-11-01"] and query["ate"] == ["2026-11-30"], page.url
    assert "assunto" in query
    page.get_by_text("Aberto de 01/11/2026").first.wait_for()
    page.get_by_text("Atendimentos 1–2 de 2").wait_for()  # A and B


def test_the_past_deadline_link_lists_the_overdue_requests(charts_server, page):  # noqa: F811
    open_charts(page, charts_server.url)
    figure = page.locator("[data-testid='stColumn']", has_text="Prazo vencido").last
    figure.get_by_role("link", name="Ver no Atendimentos").click()
    page.wait_for_url("**/atendimentos?**")
    wait_idle(page)
    assert parse_qs(urlsplit(page.url).query)["prazo"] == ["vencido"]
    page.get_by_role("button", name="Prazo vencido").wait_for()  # the removable chip
    # the server runs on the real clock: Q (deadline 13/10/2026) is past, and E (30/11/2026,
    # never decided) too from 01/12/2026 on
    today = clock_now().date()
    overdue = sum(deadline < today for deadline in (date(2026, 10, 13), date(2026, 11, 30)))
    page.get_by_text(f"Atendimentos 1–{overdue} de {overdue}").wait_for()


def test_clicking_a_department_bar_opens_those_tickets(charts_server, page):  # noqa: F811
    open_charts(page, charts_server.url)
    depts = page.locator(CHART).nth(6)
    depts.scroll_into_view_if_needed()
    depts.locator("g.role-mark path").first.wait_for(state="attached")
    page.wait_for_timeout(500)
    bars = depts.evaluate(
        """el => Array.from(el.querySelectorAll('g.role-mark path')).map(p => {
             const r = p.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"""
    )
    # FINANCEIRO's widest segment: the 4 solved tickets of the last 12 months (A, B, C, P)
    x, y, w, h = max(bars, key=lambda b: b[2])
    page.mouse.click(x + w / 2, y + h / 2)
    page.wait_for_url("**/atendimentos?**")
    wait_idle(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["status"] == ["S"] and len(query["depto"]) == 1, page.url
    page.get_by_text("Atendimentos 1–4 de 4").wait_for()
