"""Altair specs of the incident charts (ui/incidents/charts.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from lib.domain import TZ
from ui.incidents import charts


def _row(i: int, reason: int, customers: int, computed: str) -> dict:
    return {
        "id": i,
        "reason": reason,
        "title": f"Incidente {i}",
        "started_at": datetime(2026, 11, i, 9, 0, tzinfo=TZ),
        "customers": customers,
        "requests": customers // 2,
        "computed": Decimal(computed),
    }


def test_top_charts_rank_by_customers_and_by_money():
    rows = [_row(1, 3, 10, "500.00"), _row(2, 4, 90, "1.00"), _row(3, 5, 40, "80.00")]
    frame = charts.incidents_frame(rows)
    by_customers = charts.top_chart(frame, "customers", n=2).to_dict()
    by_money = charts.top_chart(frame, "computed", n=2).to_dict()
    data = lambda spec: next(iter(spec["datasets"].values()))  # noqa: E731
    assert [r["id"] for r in data(by_customers)] == [2, 3]
    assert [r["id"] for r in data(by_money)] == [1, 3]
    assert by_money["title"]["text"] == "Incidentes com maior valor calculado (top 2)"
    assert by_money["config"]["locale"]["number"]["decimal"] == ","


def test_monthly_chart_counts_incidents_by_reason_and_month():
    frame = charts.monthly_frame(
        [
            {"month": date(2026, 10, 1), "reason": 3, "incidents": 2},
            {"month": date(2026, 11, 1), "reason": 5, "incidents": 1},
        ]
    )
    spec = charts.monthly_chart(frame).to_dict()
    assert spec["title"]["text"] == "Incidentes por motivo e mês"
    assert spec["encoding"]["color"]["scale"]["domain"] == [
        "Rompimento externo",
        "Queda massiva por configuração interna",
        "Roubo de caixa de emenda",
    ]
    assert spec["encoding"]["x"]["sort"] == ["out./2026", "nov./2026"]


def test_map_groups_logins_by_box_and_skips_those_without_coordinates():
    members = [
        {"latitude": -22.0, "longitude": -47.0, "cto_box": "CTO-1"},
        {"latitude": -22.2, "longitude": -47.2, "cto_box": "CTO-1"},
        {"latitude": None, "longitude": None, "cto_box": "CTO-2"},
        {"latitude": -23.0, "longitude": -46.0, "cto_box": None, "neighbourhood": "Centro"},
    ]
    points = charts.map_frame(members)
    assert points.to_dict("records") == [
        {"place": "CTO-1", "lat": -22.1, "lon": -47.1, "logins": 2},
        {"place": "Centro", "lat": -23.0, "lon": -46.0, "logins": 1},
    ]
    spec = charts.map_chart(points, charts.login_points(members)).to_dict()
    assert spec["title"]["text"] == "Caixas afetadas"
