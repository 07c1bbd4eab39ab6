"""In real Chromium: the supervisor's charts page draws every chart (a non-empty canvas or
SVG), and a click on a reason in the main chart filters the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lib.store import Store
from tests.e2e.conftest import Server, login, screenshot, start_server, wait_idle
from tests.fixtures import build_world
from tests.report_fixture import build_report_world

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"

# How many data marks (bars, ticks, lines, points: not axes nor legends) each chart drew, as
# SVG elements, or painted pixels when Vega renders to a canvas.
PAINTED = """(el) => {
  const canvas = el.querySelector('canvas');
  if (canvas) {
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }
  const svg = el.querySelector('svg');
  if (!svg) return 0;
  return Array.from(svg.querySelectorAll('g.role-mark'))
    .filter(g => !g.closest('.role-axis, .role-legend, .role-title'))
    .reduce((n, g) => n + g.querySelectorAll(':scope > path, :scope > line').length, 0);
}"""


@pytest.fixture
def charts_server(tmp_path) -> Iterator[Server]:
    db = tmp_path / "charts.duckdb"
    store = Store(db)
    store.migrate()
    build_report_world(build_world(store))
    store.close()
    srv = start_server(db, tmp_path)
    yield srv
    srv.stop()


def open_charts(page, url: str) -> None:
    login(page, url, "supervisor")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Gráficos").click()
    wait_idle(page)
    page.get_by_role("heading", name="Gráficos").wait_for()


def test_every_chart_is_drawn(charts_server, page):
    open_charts(page, charts_server.url)
    charts = page.locator(CHART)
    charts.nth(6).wait_for()
    assert charts.count() == 7
    page.wait_for_function(
        f"""() => Array.from(document.querySelectorAll("{CHART}"))
                   .every(el => el.querySelector('canvas, svg'))"""
    )
    page.wait_for_timeout(500)  # let Vega finish painting
    painted = [charts.nth(i).evaluate(PAINTED) for i in range(7)]
    screenshot(page, "charts-page")
    # every chart drew marks; the reasons chart draws one bar per reason
    assert all(n > 0 for n in painted), painted
    assert painted[0] >= 5, painted
    assert page.get_by_text("Total aprovado").first.is_visible()


def test_clicking_a_reason_filters_the_page(charts_server, page):
    open_charts(page, charts_server.url)
    reasons = page.locator(CHART).first
    reasons.locator("g.role-mark path").first.wait_for(state="attached")
    page.wait_for_timeout(500)
    # the widest bar is "Rompimento externo" in count mode (2 requests, as is reason 1); take
    # the bar whose y-label order says it is reason 3: the third of five
    bars = reasons.evaluate(
        """el => Array.from(el.querySelectorAll('g.role-mark path')).map(p => {
             const r = p.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"""
    )
    assert len(bars) == 5, bars
    x, y, w, h = sorted(bars, key=lambda b: b[1])[2]
    assert w > 0
    page.mouse.click(x + w / 2, y + h / 2)
    page.get_by_text("Filtrando pelo motivo").wait_for()
    wait_idle(page)
    assert page.get_by_text("Rompimento externo").first.is_visible()
    screenshot(page, "charts-page-clicked")
