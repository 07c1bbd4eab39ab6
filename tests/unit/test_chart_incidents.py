"""Gráficos' Incidents view (issues 15 and 16): the incidents that started in the chosen period,
under the reason filter, with their affected customers and R$ computed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lib.domain import PermissionDenied
from lib.usecases import reports
from lib.usecases.reports import Filters
from tests.unit.test_incidents import START, _open, _request, noc, north  # noqa: F401
from ui.incidents import charts as incident_charts

NOVEMBER = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))


@pytest.fixture
def three(world, north, noc):  # noqa: F811
    """Three incidents: reason 3 today over the three boxes (two requests linked), reason 4 on
    one box in November, and reason 5 in October (outside November)."""
    first = _open(world, noc)  # reason 3, boxes NOR-001..003: 40 contracts
    _request(world, north[0], first, START + timedelta(minutes=10))
    _request(world, north[1], first, START + timedelta(minutes=20))
    second = _open(
        world, noc, values=("CTO-NOR-001",), start=START - timedelta(days=10), key="k2", reason=4
    )
    third = _open(
        world, noc, values=("CTO-NOR-002",), start=START - timedelta(days=45), key="k3", reason=5
    )
    return first, second, third


def _view(world, filters: Filters) -> reports.ViewData:
    return reports.chart_view(world.store, world.supervisor, filters, "incidentes")


def test_only_incidents_started_in_the_period_count(world, three):
    first, second, third = three
    view = _view(world, NOVEMBER)
    assert {r["id"] for r in view.incidents} == {first, second}
    by_id = {r["id"]: r for r in view.incidents}
    assert by_id[first]["customers"] == 40 and by_id[first]["requests"] == 2
    assert by_id[second]["customers"] == 14  # one box of three: contracts 0, 3, 6, … 39
    months = {(m["month"], m["reason"]): m["incidents"] for m in view.incident_months}
    assert months == {(date(2026, 11, 1), 3): 1, (date(2026, 11, 1), 4): 1}
    october = _view(world, Filters(start=date(2026, 10, 1), end=date(2026, 10, 31)))
    assert [r["id"] for r in october.incidents] == [third]


def test_the_reason_filter_and_a_clicked_reason_narrow_it(world, three):
    first, second, _ = three
    assert [r["id"] for r in _view(world, Filters(**_days(), reasons=(4, 5))).incidents] == [second]
    clicked = _view(world, Filters(**_days(), selected_reason=3))
    assert [r["id"] for r in clicked.incidents] == [first]
    only_individual = _view(world, Filters(**_days(), reasons=(1, 2)))
    assert only_individual.incidents == [] and only_individual.incident_months == []


def _days() -> dict:
    return {"start": NOVEMBER.start, "end": NOVEMBER.end}


def test_the_charts_draw_them_and_an_empty_period_draws_nothing(world, three):
    view = _view(world, NOVEMBER)
    frame = incident_charts.incidents_frame(view.incidents)
    top = incident_charts.top_chart(frame, "customers").to_dict()
    assert top["title"]["text"].startswith("Incidentes com mais clientes afetados")
    assert sorted(frame["customers"], reverse=True) == [40, 14]
    assert all(isinstance(v, float) for v in frame["computed"])
    empty = _view(world, Filters(start=date(1900, 1, 1), end=date(1900, 1, 31)))
    assert empty.incidents == [] and incident_charts.incidents_frame(empty.incidents).empty


def test_only_chart_readers_get_it(world, three):
    with pytest.raises(PermissionDenied):
        reports.chart_view(world.store, world.financeiro, NOVEMBER, "incidentes")
