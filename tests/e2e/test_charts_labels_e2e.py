"""In real Chromium at 1366x768, on the demo store: every category of every chart on Gráficos
gets its axis label drawn, whole (no "…"), inside the chart.

Streamlit draws a Vega-Lite chart in exactly the height its spec names, title, axes and legend
included; with fixed heights the bars were squeezed and Vega dropped the labels that overlapped
(departments 2 of 6, neighbourhoods 2 of 8, approval by reason 3 of 5) and cut the legends.
Charts render to SVG here; each axis over categories says it is a "discrete" scale in its
aria-label, and its labels are the `text` elements under `.role-axis-label`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from lib.auth import Role, User
from lib.demo.isp import seed_demo
from lib.domain import now
from lib.store import Store
from lib.usecases import reports
from tests.e2e.conftest import Server, login, screenshot, start_server, wait_idle

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"

# For each chart element: its title and, for its axis over categories, how many labels are
# drawn visibly inside the chart (not hidden by Vega's overlap removal, not cut by the frame)
# and how many of those are truncated with "…".
LABELS = """(el) => {
  const box = el.getBoundingClientRect();
  const svg = el.querySelector('svg');
  if (!svg) return null;
  const title = svg.querySelector('.role-title-text text');
  const axes = Array.from(svg.querySelectorAll('g.role-axis')).filter(
    a => /discrete/i.test(a.getAttribute('aria-label') || ''));
  return {
    title: title ? title.textContent : '',
    axes: axes.map(a => {
      const texts = Array.from(a.querySelectorAll('.role-axis-label text'));
      const drawn = texts.filter(t => {
        const r = t.getBoundingClientRect();
        const opacity = parseFloat(t.getAttribute('opacity') ?? '1');
        return opacity > 0 && r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1
          && r.left >= box.left - 1 && r.right <= box.right + 1;
      });
      return {drawn: drawn.length, cut: drawn.filter(t => t.textContent.endsWith('…')).length,
              labels: drawn.map(t => t.textContent)};
    }),
    // every legend entry inside the frame, none cut
    legend_cut: Array.from(svg.querySelectorAll('.role-legend-label text')).filter(t => {
      const r = t.getBoundingClientRect();
      return t.textContent.endsWith('…') || r.right > box.right + 1 || r.bottom > box.bottom + 1;
    }).map(t => t.textContent),
  };
}"""


@pytest.fixture
def demo_server(tmp_path) -> Iterator[tuple[Server, dict[str, int]]]:
    db = tmp_path / "demo.duckdb"
    store = Store(db)
    store.migrate(demo=True)
    seed_demo(store)
    today = now().date()
    boss = User(0, "t", "t", Role.SUPERVISOR)
    filters = reports.Filters(*reports.default_period(today))
    data = reports.charts_page(store, boss, filters, today)
    boxes = reports.charts_page(store, boss, replace(filters, place_by="cto_box"), today).places
    people = reports.chart_view(store, boss, filters, "pessoas", today)
    amounts = reports.chart_view(store, boss, filters, "valores", today).amounts
    methods = reports.chart_view(store, boss, filters, "metodo", today).methods
    incidents = reports.chart_view(store, boss, filters, "incidentes", today)
    expected = {
        "Descontos por motivo": len(data.by_reason),
        "Tendência mensal por motivo": len(data.months),
        "Tempo até assumir e até aplicar": len(data.months),
        "Aprovação e reprovação por motivo": data.decisions.reason.nunique(),
        "Duração das interrupções por motivo": len(data.durations),
        "Os bairros com mais clientes com desconto": len(data.places),
        "Atendimentos por departamento e status": data.departments.department.nunique(),
        "Os caixas CTO com mais clientes com desconto": len(boxes),
        "Pedidos abertos por atendente": len(people.openers),
        "Decisões por analista do financeiro": len(people.deciders),
        "Valor calculado e aprovado por motivo": len(amounts),
        "Pedidos por método de cálculo": len(methods),
        "Incidentes por motivo e mês": len({m["month"] for m in incidents.incident_months}),
        "Incidentes com mais clientes afetados (top 10)": min(10, len(incidents.incidents)),
        "Incidentes com maior valor calculado (top 10)": min(10, len(incidents.incidents)),
    }
    store.close()
    srv = start_server(db, tmp_path, demo=True)
    yield srv, expected
    srv.stop()


def _read_visible(page) -> dict[str, dict]:
    charts = page.locator(CHART)
    out = {}
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():
            continue
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        got = chart.evaluate(LABELS)
        if got and got["title"]:
            out[got["title"]] = got
    return out


@pytest.mark.parametrize("width", [1366, 1600])
def test_every_category_label_is_drawn_at_1366x768(demo_server, browser, width):
    srv, expected = demo_server
    context = browser.new_context(
        viewport={"width": width, "height": 768}, locale="pt-BR", timezone_id="America/Sao_Paulo"
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        login(page, srv.url, "supervisor")
        page.locator("[data-testid='stSidebarNav'] a", has_text="Gráficos").click()
        wait_idle(page)
        page.locator(CHART).nth(6).wait_for()
        page.wait_for_function(
            f"""() => Array.from(document.querySelectorAll("{CHART}"))
                       .filter(el => el.offsetParent).every(el => el.querySelector('svg'))"""
        )
        page.wait_for_timeout(800)
        seen = _read_visible(page)
        screenshot(page, f"charts-labels-{width}")
        page.get_by_text("Caixa CTO", exact=True).click()  # places by CTO box (15 of them)
        wait_idle(page)
        page.wait_for_timeout(800)
        seen.update(_read_visible(page))
        for view in ("Pessoas", "Valores", "Método de cálculo", "Incidentes"):
            page.locator("[data-testid='stButtonGroup'] button", has_text=view).click()
            wait_idle(page)
            page.wait_for_timeout(800)
            seen.update(_read_visible(page))
    finally:
        context.close()

    assert set(expected) <= set(seen), sorted(set(expected) - set(seen))
    problems = []
    for title, n in expected.items():
        assert n > 0, f"the demo store should give {title!r} some categories"
        axes = seen[title]["axes"]
        assert len(axes) == 1, (title, axes)
        axis = axes[0]
        if axis["drawn"] != n or axis["cut"]:
            problems.append((title, f"{axis['drawn']} of {n} drawn", axis["labels"]))
        if seen[title]["legend_cut"]:
            problems.append((title, "legend cut", seen[title]["legend_cut"]))
    assert not problems, "\n".join(map(repr, problems))
