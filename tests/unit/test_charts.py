"""Chart specs: the right data, one colour per reason everywhere, pt-BR titles and formats."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lib.domain import REASONS
from lib.usecases import reports
from tests.report_fixture import END, START, TODAY, build_report_world
from ui import charts


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from lib.store import Store
    from tests.fixtures import build_world

    store = Store(tmp_path_factory.mktemp("charts") / "c.duckdb")
    store.migrate()
    w = build_world(store)
    build_report_world(w)
    yield reports.charts_page(store, w.supervisor, reports.Filters(START, END), TODAY)
    store.close()


def all_charts(d) -> dict[str, dict]:
    built = {
        "reasons": charts.reasons_chart(d.by_reason, "approved_total"),
        "monthly": charts.monthly_chart(d.monthly, d.months),
        "departments": charts.departments_chart(d.departments, d.departments_scope),
        "durations": charts.durations_chart(d.durations),
        "handling": charts.handling_chart(d.handling, d.months),
        "places": charts.places_chart(d.places, "Bairro"),
        "decisions": charts.decisions_chart(d.decisions),
    }
    return {name: c.to_dict() for name, c in built.items()}


def values(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def colour_scales(node) -> list[dict]:
    """Every colour scale in a spec, however deep (layers included)."""
    found = []
    if isinstance(node, dict):
        colour = node.get("color")
        if isinstance(colour, dict) and colour.get("field") == "reason_label":
            found.append(colour["scale"])
        for v in node.values():
            found += colour_scales(v)
    elif isinstance(node, list):
        for v in node:
            found += colour_scales(v)
    return found


def test_every_chart_has_a_pt_br_title_tooltips_and_the_locale(data):
    for name, spec in all_charts(data).items():
        assert spec["title"]["text"], name
        assert spec["config"]["locale"]["number"]["currency"] == ["R$ ", ""], name
        assert spec["config"]["locale"]["number"]["decimal"] == ",", name
        assert "tooltip" in json.dumps(spec), name


def test_a_reason_has_the_same_colour_in_every_chart(data):
    specs = all_charts(data)
    scales = [s for spec in specs.values() for s in colour_scales(spec)]
    assert len(scales) >= 4  # reasons, monthly, durations (two layers)
    expected = {REASONS[c].label: colour for c, colour in charts.REASON_COLOURS.items()}
    for scale in scales:
        assert dict(zip(scale["domain"], scale["range"], strict=True)) == expected
    assert len(set(charts.REASON_COLOURS.values())) == 5


def test_reason_chart_data_money_axis_and_click_selection(data):
    spec = all_charts(data)["reasons"]
    rows = {r["reason"]: (r["requests"], r["approved_total"]) for r in values(spec)}
    assert rows[3] == (2, pytest.approx(5.79)) and rows[2] == (1, pytest.approx(0.28))
    assert spec["encoding"]["x"]["axis"]["format"] == "$,.2f"
    assert spec["params"][0]["name"] == charts.REASON_SELECTION
    assert spec["params"][0]["select"]["fields"] == ["reason"]


def test_monthly_chart_months_read_pt_br_in_order(data):
    spec = all_charts(data)["monthly"]
    assert spec["encoding"]["x"]["sort"] == ["set./2026", "out./2026", "nov./2026"]
    assert spec["encoding"]["x"]["scale"]["domain"] == ["set./2026", "out./2026", "nov./2026"]
    assert sorted((r["month"], r["requests"]) for r in values(spec)) == [
        ("nov./2026", 2),
        ("out./2026", 1),
        ("set./2026", 1),
        ("set./2026", 1),
    ]


def test_reason_from_selection():
    assert charts.reason_from_selection({"selection": {"motivo": [{"reason": 3}]}}) == 3
    assert charts.reason_from_selection({"selection": {"motivo": []}}) is None
    assert charts.reason_from_selection({"selection": {}}) is None
    assert charts.reason_from_selection(None) is None
    assert charts.reason_from_selection({"selection": {"motivo": [{"reason": 9}]}}) is None


def test_csv_has_pt_br_headers_and_decimal_comma():
    df = pd.DataFrame(
        [{"reason_label": "Rompimento externo", "requests": 2, "approved_total": 5.79}]
    )
    text = charts.csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines() == ["Motivo;Pedidos;Valor aprovado (R$)", "Rompimento externo;2;5,79"]
    places = pd.DataFrame([{"place": "CTO-1", "customers": 1}])
    assert charts.csv_bytes(places, "Caixa CTO").decode("utf-8-sig").startswith("Caixa CTO;")


def test_png_download_is_a_png(data):
    png = charts.png_bytes(charts.reasons_chart(data.by_reason))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
