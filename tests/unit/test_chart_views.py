"""Gráficos, the views supervisors asked for (People, Amounts, Method), the downloads (CSV money
with two decimals, PNGs that state period and filters), the heights that grow with the bars,
and the drill-down into Atendimentos (its filters list what a chart element counts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

import lib.domain
from lib.domain import TZ
from lib.store import scalar
from lib.usecases import reports
from lib.usecases import ticket_list as tl
from tests.report_fixture import END, START, TODAY, build_report_world
from ui import chart_blocks, chart_views, charts


@pytest.fixture
def rw(world):
    world.report_ids = build_report_world(world)
    return world


def page(w, **kw):
    return reports.charts_page(w.store, w.supervisor, reports.Filters(START, END, **kw), TODAY)


class Views:
    """The three views for one filter choice, as attributes (openers, deciders, ...)."""

    def __init__(self, w, **kw) -> None:
        f = reports.Filters(START, END, **kw)
        people = reports.chart_view(w.store, w.supervisor, f, "pessoas", TODAY)
        self.openers, self.deciders = people.openers, people.deciders
        self.amounts = reports.chart_view(w.store, w.supervisor, f, "valores", TODAY).amounts
        self.methods = reports.chart_view(w.store, w.supervisor, f, "metodo", TODAY).methods


def test_people_amounts_and_method_figures(rw):
    data = Views(rw)
    assert data.openers.to_dict("records") == [{"person": "Ana Atendente", "requests": 5}]
    (fin,) = data.deciders.to_dict("records")
    # A approved, B approved with an adjustment (1.39 -> 5.00), C rejected, D approved
    assert (fin["person"], fin["decided"], fin["adjusted"], fin["rejected"]) == (
        "Fábio Financeiro",
        4,
        1,
        1,
    )
    # opening -> decision: A 2 h 05, B 4 h, C 1 h, D 6 h 05 -> median (2.083 + 4) / 2
    assert fin["decide_hours"] == pytest.approx(3.04, abs=0.01)
    amounts = data.amounts.set_index("reason")
    assert amounts.loc[3, ["approved", "adjusted", "over_fee"]].tolist() == [2, 1, 0]
    assert amounts.loc[3, "computed_total"] == pytest.approx(0.79 + 1.39)
    assert amounts.loc[3, "approved_total"] == pytest.approx(0.79 + 5.00)
    assert amounts.loc[2, "approved_total"] == pytest.approx(0.28)
    assert data.methods.to_dict("records") == [
        {
            "method": "anatel_minuto",
            "method_label": data.methods.method_label[0],
            "requests": 5,
            "approved_total": pytest.approx(6.07),
        }
    ]
    # the clicked reason narrows them like every other chart
    clicked = Views(rw, selected_reason=1)
    assert clicked.deciders.decided.sum() == 1 and clicked.amounts.empty


def test_an_approval_above_one_fee_is_counted(rw):
    from lib.usecases import finance

    e = rw.report_ids["E"]
    noon = datetime(2026, 11, 30, 12, tzinfo=TZ)
    from lib.usecases import ticket_actions

    ticket_actions.assume(rw.store, rw.supervisor, e, now=noon)
    finance.approve(rw.store, rw.supervisor, e, "150,00", "Acordo: duas semanas", now=noon)
    amounts = Views(rw).amounts.set_index("reason")
    assert amounts.loc[1, ["approved", "adjusted", "over_fee"]].tolist() == [1, 1, 1]


def test_view_charts_draw_every_row(rw):
    data = Views(rw)
    for chart, rows in (
        (chart_views.openers_chart(data.openers), 1),
        (chart_views.deciders_chart(data.deciders), 3),  # 3 bars: decided, adjusted, rejected
        (chart_views.amounts_chart(data.amounts), 4),
        (chart_views.methods_chart(data.methods), 1),
    ):
        spec = chart.to_dict()
        assert len(next(iter(spec["datasets"].values()))) == rows
        assert spec["title"]["text"]
    sub = chart_views.amounts_chart(data.amounts).to_dict()["title"]["subtitle"]
    assert sub == "3 aprovados: 1 com valor ajustado, 0 acima de uma mensalidade."


def test_bar_chart_heights_grow_with_the_bars():
    few = pd.DataFrame({"place": ["a", "b"], "customers": [1, 1], "requests": [1, 1]})
    many = pd.DataFrame({"place": list("abcdefghijklmno"), "customers": 1, "requests": 1})
    h_few = charts.places_chart(few, "Bairro").to_dict()["height"]
    h_many = charts.places_chart(many, "Bairro").to_dict()["height"]
    assert h_many - h_few == 13 * charts.BAR_STEP
    # the plot keeps a step per bar once title and x axis are paid for
    assert h_many >= 15 * charts.BAR_STEP + charts.TITLE_H + charts.X_AXIS_H


def test_handling_chart_has_one_legend_naming_each_line():
    df = pd.DataFrame(
        [
            {"month": "nov./2026", "measure": m, "n": 1, "p50_hours": 1.0, "p90_hours": 2.0}
            for m in ("Abertura → assumido", "Abertura → aplicado")
        ]
    )
    enc = charts.handling_chart(df, ["nov./2026"]).to_dict()["encoding"]
    assert enc["color"]["field"] == enc["strokeDash"]["field"] == "series"
    assert enc["color"]["title"] == enc["strokeDash"]["title"]  # merged into one legend
    assert enc["color"]["scale"]["domain"] == [
        "Abertura → assumido, mediana",
        "Abertura → assumido, 90% dos pedidos",
        "Abertura → aplicado, mediana",
        "Abertura → aplicado, 90% dos pedidos",
    ]


def test_csv_money_has_two_decimals_and_formulas_stay_text():
    df = pd.DataFrame(
        [
            {"place": '=HYPERLINK("x")', "customers": 3, "approved_total": 108.3},
            {"place": "Centro", "customers": 1, "approved_total": 1234.5},
        ]
    )
    lines = charts.csv_bytes(df, "Bairro").decode("utf-8-sig").splitlines()
    assert lines[1] == '"\'=HYPERLINK(""x"")";3;108,30'  # quoted by the CSV writer
    assert lines[2] == "Centro;1;1234,50"


def test_png_states_period_and_filters(rw):
    options = reports.filter_options(rw.store, rw.supervisor)
    f = reports.Filters(START, END, reasons=(3,), method="anatel_minuto", selected_reason=3)
    ctx = chart_blocks.context(f, options)
    assert ctx[0] == "Período: 01/09/2026 a 30/11/2026"
    assert ctx[1].startswith("Filtros: motivo Rompimento externo; clicado: Rompimento externo")
    assert "método" in ctx[1]
    data = page(rw)
    chart = charts.reasons_chart(data.by_reason)
    spec = charts.png_spec(chart, ctx)
    assert spec["title"]["subtitle"][:2] == ctx
    assert spec["height"] == chart.to_dict()["height"] + 2 * charts.SUBTITLE_H
    assert spec["width"] == 800
    assert chart_blocks.context(reports.Filters(START, END), options)[1] == "Filtros: nenhum"


def test_drill_down_filters_list_what_the_chart_counts(rw):
    options = reports.filter_options(rw.store, rw.supervisor)
    f = reports.Filters(START, END, reasons=(3,), method="anatel_minuto")
    nov = chart_blocks.ticket_filters(
        f, month_start=date(2026, 11, 1), subject_id=options.discount_subject
    )
    assert (nov.date_from, nov.date_to) == (date(2026, 11, 1), date(2026, 11, 30))
    assert nov.reason == 3 and nov.method == "anatel_minuto"
    # a month at the edge of the period keeps the period's bounds
    sep = chart_blocks.ticket_filters(reports.Filters(date(2026, 9, 15), END), month_start=START)
    assert (sep.date_from, sep.date_to) == (date(2026, 9, 15), date(2026, 9, 30))
    # the link round-trips through the query string Atendimentos reads
    assert tl.Filters.from_query(nov.to_query()) == nov
    assert nov.to_query()["metodo"] == "anatel_minuto"
    page_ = tl.list_page(rw.store, rw.supervisor, nov)
    assert page_.total == 2  # A and B, the November requests for reason 3


def test_month_from_selection(rw):
    data = page(rw)
    state = {"selection": {charts.MONTH_SELECTION: [{"month": "out./2026"}]}}
    assert chart_blocks.month_from_selection(state, data) == date(2026, 10, 1)
    assert chart_blocks.month_from_selection({"selection": {}}, data) is None
    assert chart_blocks.month_from_selection(None, data) is None


@pytest.mark.parametrize("deadline", ["vencido", "risco"])
def test_deadline_link_lists_what_the_figure_counts(rw, monkeypatch, deadline):
    monkeypatch.setattr(lib.domain, "now", lambda: datetime(2026, 11, 30, 12, tzinfo=TZ))
    data = page(rw, reasons=())
    key = "past_deadline" if deadline == "vencido" else "deadline_risk"
    shown = next(f.value for f in data.headline if f.key == key)
    listed = tl.list_page(rw.store, rw.supervisor, tl.Filters(deadline=deadline, sort="prazo"))
    assert listed.total == shown == (1 if deadline == "vencido" else 2)
    with rw.store.read() as cur:
        direct = scalar(
            cur,
            """SELECT count(*) FROM discount_request
               WHERE decision IN ('aguardando_retorno', 'pendente', 'aprovado')
                 AND deadline <= ?""",
            [TODAY + timedelta(days=-1 if deadline == "vencido" else 15)],
        )
    assert listed.total == direct
    labels = tl.filter_labels(
        tl.Filters(deadline=deadline), tl.filter_options(rw.store, rw.supervisor)
    )
    assert labels["deadline"].startswith("Prazo vencido")
    assert tl.Filters.from_query({"prazo": "qualquer"}).deadline is None
    assert tl.Filters.from_query({"metodo": "x'; DROP TABLE ticket"}).method is None


def test_views_are_for_supervisors_and_known_names(rw):
    from lib.domain import DomainError, PermissionDenied

    f = reports.Filters(START, END)
    with pytest.raises(PermissionDenied):
        reports.chart_view(rw.store, rw.financeiro, f, "pessoas", TODAY)
    with pytest.raises(DomainError):
        reports.chart_view(rw.store, rw.supervisor, f, "tudo; DROP TABLE ticket", TODAY)


def test_a_department_bar_opens_its_tickets(rw):
    options = reports.filter_options(rw.store, rw.supervisor)
    fin = next(i for i, n in options.departments if n == "FINANCEIRO")
    state = {
        "selection": {charts.DEPARTMENT_SELECTION: [{"department": "FINANCEIRO", "status": "S"}]}
    }
    picked = chart_blocks.department_from_selection(state)
    assert picked == ("FINANCEIRO", "S")
    f = reports.Filters(START, END)
    every = chart_blocks.department_filters(f, options, picked, "todos")
    assert every == tl.Filters(departments=(fin,), status=("S",), date_from=START, date_to=END)
    # the chart's bar counted 3 solved FINANCEIRO tickets (A, B, C); the list shows the same
    bar = page(rw).departments
    counted = int(bar[(bar.department == "FINANCEIRO") & (bar.status == "S")].tickets.sum())
    assert tl.list_page(rw.store, rw.supervisor, every).total == counted == 3
    only = chart_blocks.department_filters(replace(f, reasons=(3,)), options, picked, "descontos")
    assert only.reason == 3 and only.subject == options.discount_subject
    assert chart_blocks.department_filters(f, options, ("NÃO EXISTE", "S"), "todos") is None
    assert chart_blocks.department_from_selection({"selection": {}}) is None
