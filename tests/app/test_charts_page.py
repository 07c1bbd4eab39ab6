"""AppTest: on the known small store, the charts page shows the headline figures and each
chart's Vega-Lite spec carries the right values."""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pytest

import lib.domain
from lib.domain import TZ
from tests.report_fixture import END, START, build_report_world

FIXED_NOW = datetime(2026, 11, 30, 12, 0, tzinfo=TZ)


@pytest.fixture
def charts_app(app_env, logged_in, monkeypatch):
    build_report_world(app_env)
    monkeypatch.setattr(lib.domain, "now", lambda: FIXED_NOW)
    at = logged_in("supervisor")
    at.switch_page("pages/charts.py").run()
    assert not at.exception, at.exception
    at.date_input(key="graf_periodo").set_value((START, END)).run()
    assert not at.exception, at.exception
    return at


def charts(at) -> dict[str, tuple[dict, list[dict]]]:
    """Each chart by its title: the spec and the rows of its data."""
    out = {}
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        data = [
            pa.ipc.open_stream(ds.data.data).read_all().to_pylist() for ds in element.proto.datasets
        ]
        out[spec["title"]["text"]] = (spec, data[0] if data else [])
    return out


def test_headline_figures(charts_app):
    shown = {m.label: m.value for m in charts_app.metric}
    assert shown["Total aprovado"] == "R$\xa06,07"
    assert shown["Pedidos de desconto"] == "5"
    assert shown["Taxa de aprovação"] == "75,0%"
    assert shown["Mediana até assumir"] == "3 h"
    assert shown["Mediana até aplicar"] == "1 d 14 h"
    assert shown["Prazo em risco"] == "2"  # every open request, whatever the period
    assert shown["Prazo vencido"] == "1"
    deltas = {m.label: m.proto.delta for m in charts_app.metric}
    assert deltas["Pedidos de desconto"] == "+3"
    assert deltas["Taxa de aprovação"] == "-25,0 p.p."
    assert deltas["Prazo vencido"] == ""  # a state of today: nothing to compare with


def test_the_views_draw_on_demand(charts_app):
    at = charts_app
    assert len(at.get("vega_lite_chart")) == 7  # no view chosen: nothing more computed
    titles = {}
    for view in ("pessoas", "valores", "metodo"):
        at.segmented_control(key="graf_visao").set_value(view).run()
        assert not at.exception, at.exception
        titles[view] = set(charts(at)) - CHART_TITLES
    assert titles == {
        "pessoas": {"Pedidos abertos por atendente", "Decisões por analista do financeiro"},
        "valores": {"Valor calculado e aprovado por motivo"},
        "metodo": {"Pedidos por método de cálculo"},
    }
    _, rows = charts(at)["Pedidos por método de cálculo"]
    assert [r["requests"] for r in rows] == [5]


def test_the_incidents_view_says_when_the_period_has_none(charts_app):
    at = charts_app  # the report world has requests but no incident
    at.segmented_control(key="graf_visao").set_value("incidentes").run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) == 7
    assert [i.value for i in at.info].count("Sem dados no período.") == 3
    assert any("setor e método não se aplicam" in c.value for c in at.caption)


CHART_TITLES = {
    "Descontos por motivo",
    "Tendência mensal por motivo",
    "Tempo até assumir e até aplicar",
    "Aprovação e reprovação por motivo",
    "Duração das interrupções por motivo",
    "Os bairros com mais clientes com desconto",
    "Atendimentos por departamento e status",
}


def test_each_chart_carries_the_right_values(charts_app):
    got = charts(charts_app)
    assert set(got) == {
        "Descontos por motivo",
        "Tendência mensal por motivo",
        "Tempo até assumir e até aplicar",
        "Aprovação e reprovação por motivo",
        "Duração das interrupções por motivo",
        "Os bairros com mais clientes com desconto",
        "Atendimentos por departamento e status",
    }
    _, rows = got["Descontos por motivo"]
    assert {r["reason"]: r["requests"] for r in rows} == {1: 2, 2: 1, 3: 2, 4: 0, 5: 0}
    assert {r["reason"]: r["approved_total"] for r in rows}[3] == pytest.approx(5.79)
    spec, rows = got["Tendência mensal por motivo"]
    assert spec["encoding"]["x"]["sort"] == ["set./2026", "out./2026", "nov./2026"]
    assert sum(r["requests"] for r in rows) == 5
    _, rows = got["Tempo até assumir e até aplicar"]
    assert {(r["month"], r["measure"]): r["p50_hours"] for r in rows}[
        ("nov./2026", "Abertura → aplicado")
    ] == 38.0
    _, rows = got["Aprovação e reprovação por motivo"]
    assert {(r["reason"], r["decision_label"]): r["requests"] for r in rows} == {
        (1, "Reprovado"): 1,
        (1, "Pendente"): 1,
        (2, "Aprovado"): 1,
        (3, "Aplicado"): 2,
    }
    _, rows = got["Duração das interrupções por motivo"]
    assert {r["reason"]: r["p50"] for r in rows}[3] == pytest.approx(7.83, abs=0.01)
    _, rows = got["Os bairros com mais clientes com desconto"]
    assert {r["place"]: r["requests"] for r in rows} == {"Taquaral": 3, "Centro": 2}
    _, rows = got["Atendimentos por departamento e status"]
    assert sum(r["tickets"] for r in rows) == 5


def test_switches_change_measure_and_places(charts_app):
    at = charts_app
    at.radio(key="graf_medida").set_value("approved_total").run()
    spec, _ = charts(at)["Descontos por motivo"]
    assert spec["encoding"]["x"]["field"] == "approved_total"
    assert spec["encoding"]["x"]["axis"]["format"] == "$,.2f"
    at.radio(key="graf_local").set_value("cto_box").run()
    _, rows = charts(at)["Os caixas CTO com mais clientes com desconto"]
    assert {r["place"] for r in rows} == {"CTO-CEN-001", "CTO-TAQ-003", "CTO-TAQ-004"}


def test_reason_filter_narrows_the_page(charts_app):
    at = charts_app
    at.multiselect(key="graf_filtro_motivo").set_value([3]).run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Pedidos de desconto"] == "2"
    assert shown["Total aprovado"] == "R$\xa05,79"


def test_only_supervisors_get_the_page(app_env):
    from ui.navigation import visible_pages

    def paths(role):
        return [p.url_path for p in visible_pages(app_env.user(role))]

    assert "graficos" in paths("supervisor")
    assert "graficos" not in paths("financeiro") and "graficos" not in paths("atendente")


def test_an_empty_period_says_so_instead_of_blank_charts(charts_app):
    from datetime import date

    at = charts_app
    at.date_input(key="graf_periodo").set_value((date(2020, 1, 1), date(2020, 1, 31))).run()
    assert not at.exception, at.exception
    empty = [i.value for i in at.info if "Sem dados no período" in i.value]
    # every chart says so, the departments one too (no ticket at all in January 2020)
    assert len(empty) == 7, [i.value for i in at.info]
    assert not at.get("vega_lite_chart")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Prazo em risco"] == "2"  # deadlines do not depend on the period
