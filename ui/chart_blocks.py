"""Pieces of the Gráficos page: a headline figure, a chart with its downloads (or "sem dados no
período"), the links into Atendimentos with the matching filters (drill-down), and the views
supervisors asked for (People, Amounts, Method, Incidents)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.auth import User
from lib.usecases import reports
from lib.usecases import ticket_list as tl
from ui import chart_views, charts, spec_cache
from ui import reports as cached
from ui.incidents import charts as incident_charts

TICKETS_PAGE = "pages/tickets.py"
EMPTY = "Sem dados no período."


def figure(col: DeltaGenerator, f: reports.Figure, prev_start: date, prev_end: date) -> None:
    """One headline figure; an unchanged one is neutral (no arrow, no colour); a state of today
    (deadlines) has no comparison and links to its requests in Atendimentos."""
    if f.today:
        help_text = f.description
    else:
        help_text = (f"{f.description} " if f.description else "") + (
            f"Comparado com {prev_start:%d/%m/%Y} a {prev_end:%d/%m/%Y}: {f.previous_text}."
        )
    col.metric(
        f.label,
        f.text,
        delta=f.delta,
        delta_color="off" if f.unchanged else ("inverse" if f.lower_is_better else "normal"),
        delta_arrow="off" if f.unchanged else "auto",
        delta_description="hoje" if f.today else None,
        help=help_text,
        border=True,
    )
    deadline = {"past_deadline": "vencido", "deadline_risk": "risco"}.get(f.key)
    if deadline is not None:
        col.page_link(
            TICKETS_PAGE,
            label="Ver no Atendimentos",
            icon=":material/open_in_new:",
            query_params=tl.Filters(deadline=deadline, sort="prazo").to_query(),
        )


# Altair validates every spec against the Vega-Lite JSON schema in to_dict(), about 5 ms a
# chart, 40 ms of each Gráficos rerun (issue 17). The specs come from our own code, and the
# tests validate them (they set DESCONTO_VALIDATE_CHARTS=1); the server skips it.
VALIDATE_CHARTS = os.environ.get("DESCONTO_VALIDATE_CHARTS", "") == "1"


class Unvalidated:
    """What st.altair_chart reads of a chart, its to_dict(), without the schema validation
    (Altair's own `validate` argument: streamlit calls to_dict() with none)."""

    def __init__(self, chart) -> None:
        self.chart = chart

    def to_dict(self, *args, **kwargs):
        kwargs.setdefault("validate", VALIDATE_CHARTS)
        return self.chart.to_dict(*args, **kwargs)


def _altair(chart):
    return chart.chart if isinstance(chart, spec_cache.Spec) else chart


def show(
    chart,
    frame,
    name: str,
    key: str,
    *,
    empty: bool | None = None,
    on_select=None,
    selection_mode=None,
    place_label: str | None = None,
    context: list[str] | None = None,
):
    """Draw a chart (an Altair chart, or a spec_cache.Spec: built only when not cached) and
    offer its PNG (which states `context`: the period and filters) and its data (CSV); with
    no data, say so instead."""
    if frame.empty if empty is None else empty:
        with st.container(border=True):
            st.markdown(f"**{charts.title_of(_altair(chart))}**")
            st.info(EMPTY, icon=":material/info:")
        return None
    event = st.altair_chart(  # type: ignore[call-overload]
        Unvalidated(chart),
        width="stretch",
        key=key,
        on_select=on_select or "ignore",
        selection_mode=selection_mode if on_select else None,
    )
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        "PNG",
        data=lambda: charts.png_bytes(_altair(chart), context),
        file_name=f"{name}.png",
        mime="image/png",
        icon=":material/image:",
        key=f"{key}_png",
        on_click="ignore",
    )
    right.download_button(
        "CSV",
        # made on click, like the PNG: writing the CSV of seven charts cost 30-95 ms a rerun
        data=lambda: charts.csv_bytes(frame, place_label),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/table:",
        key=f"{key}_csv",
        on_click="ignore",
    )
    return event


# --- drill-down into Atendimentos ---------------------------------------------------------------


def context(filters: reports.Filters, options: reports.Options) -> list[str]:
    """The period and the filters a chart was drawn with, in words (for its PNG)."""
    reasons, depts, methods = (
        dict(options.reasons),
        dict(options.departments),
        dict(options.methods),
    )
    out = [f"Período: {filters.start:%d/%m/%Y} a {filters.end:%d/%m/%Y}"]
    chosen = []
    if filters.reasons:
        chosen.append("motivo " + ", ".join(reasons[r] for r in filters.reasons))
    if filters.selected_reason is not None:
        chosen.append(f"clicado: {reasons[filters.selected_reason]}")
    if filters.department_id is not None:
        chosen.append("departamento " + depts.get(filters.department_id, "?"))
    if filters.method is not None:
        chosen.append("método " + methods.get(filters.method, filters.method))
    out.append("Filtros: " + ("; ".join(chosen) if chosen else "nenhum"))
    return out


def ticket_filters(
    filters: reports.Filters,
    *,
    reason: int | None = None,
    month_start: date | None = None,
    subject_id: int | None = None,
) -> tl.Filters:
    """The Atendimentos filters that list what a chart element counts: the period (or the
    clicked month inside it), the reason, the department and the method."""
    start, end = filters.start, filters.end
    if month_start is not None:
        nxt = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
        start, end = max(start, month_start), min(end, nxt - timedelta(days=1))
    chosen = reason or filters.selected_reason
    if chosen is None and len(filters.reasons) == 1:
        chosen = filters.reasons[0]
    return tl.Filters(
        departments=(filters.department_id,) if filters.department_id else (),
        reason=chosen,
        method=filters.method,
        date_from=start,
        date_to=end,
        subject=subject_id,
    )


def open_tickets(filters: tl.Filters) -> None:
    st.switch_page(TICKETS_PAGE, query_params=filters.to_query())


def month_from_selection(state, data: reports.ChartsData) -> date | None:
    """The month clicked in the monthly chart (selection parameter `mes`)."""
    try:
        points = state["selection"][charts.MONTH_SELECTION]
    except (KeyError, TypeError, AttributeError):
        return None
    labels = dict(zip(data.monthly.month, data.monthly.month_start, strict=False))
    for point in points or []:
        start = labels.get(point.get("month")) if isinstance(point, dict) else None
        if start:
            return date.fromisoformat(start)
    return None


def department_from_selection(state) -> tuple[str, str] | None:
    """(department name, status code) of the bar clicked in the departments chart."""
    try:
        points = state["selection"][charts.DEPARTMENT_SELECTION]
    except (KeyError, TypeError, AttributeError):
        return None
    for point in points or []:
        if isinstance(point, dict) and point.get("department") and point.get("status"):
            return str(point["department"]), str(point["status"])
    return None


def department_filters(
    filters: reports.Filters,
    options: reports.Options,
    picked: tuple[str, str],
    scope: str,
) -> tl.Filters | None:
    """Atendimentos filtered to the clicked department and status in the period; when the
    chart counted only discount tickets, to those (reason, method) too."""
    name, status = picked
    ids = [i for i, n in options.departments if n == name]
    if not ids:
        return None
    base = (
        ticket_filters(filters, subject_id=options.discount_subject)
        if scope == "descontos"
        else tl.Filters(date_from=filters.start, date_to=filters.end)
    )
    return replace(base, departments=(ids[0],), status=(status,))


def reason_link(filters: reports.Filters, subject_id: int | None, label: str) -> None:
    st.page_link(
        TICKETS_PAGE,
        label=label,
        icon=":material/open_in_new:",
        query_params=ticket_filters(filters, subject_id=subject_id).to_query(),
    )


def views(filters: reports.Filters, user: User, today: date, ctx: list[str]) -> None:
    """People, Amounts or Method: one at a time, computed only when chosen."""
    view = st.segmented_control(
        "Mais visões",
        list(reports.VIEWS),
        format_func=lambda v: reports.VIEWS[v],
        key="graf_visao",
        label_visibility="collapsed",
    )
    if view is None:
        st.caption("Escolha uma visão: pessoas, valores, método de cálculo ou incidentes.")
        return
    data = cached.chart_view(filters, view, user, today)
    if view == "pessoas":
        left, right = st.columns(2)
        with left:
            show(
                spec_cache.chart(chart_views.openers_chart, data.openers),
                data.openers,
                "pedidos-por-atendente",
                "graf_atendentes",
                context=ctx,
            )
        with right:
            show(
                spec_cache.chart(chart_views.deciders_chart, data.deciders),
                data.deciders,
                "decisoes-por-analista",
                "graf_analistas",
                context=ctx,
            )
    elif view == "valores":
        show(
            spec_cache.chart(chart_views.amounts_chart, data.amounts),
            data.amounts,
            "valor-calculado-e-aprovado",
            "graf_valores",
            context=ctx,
        )
    elif view == "incidentes":
        incidents_view(data, ctx)
    else:
        show(
            spec_cache.chart(chart_views.methods_chart, data.methods),
            data.methods,
            "pedidos-por-metodo",
            "graf_metodos",
            context=ctx,
        )


INCIDENT_CSV = {
    "label": "Incidente",
    "reason_label": "Motivo",
    "start_text": "Início",
    "customers": "Clientes afetados",
    "requests": "Pedidos",
    "computed": "Valor calculado (R$)",
}
MONTHLY_CSV = {"month_label": "Mês", "reason_label": "Motivo", "incidents": "Incidentes"}


def incidents_view(data: reports.ViewData, ctx: list[str]) -> None:
    """Incidents that started in the period: by reason and month, and the ten with the most
    affected customers and with the most R$ computed (the Incidentes page's own charts)."""
    st.caption(
        "Incidentes iniciados no período, pelos motivos escolhidos (3, 4 e 5); "
        "setor e método não se aplicam a incidentes."
    )
    months = incident_charts.monthly_frame(data.incident_months)
    show(
        spec_cache.chart(incident_charts.monthly_chart, months),
        months[list(MONTHLY_CSV)].rename(columns=MONTHLY_CSV),
        "incidentes-por-mes",
        "graf_incidentes_mes",
        context=ctx,
    )
    frame = incident_charts.incidents_frame(data.incidents)
    for metric, name in (
        ("customers", "incidentes-por-clientes"),
        ("computed", "incidentes-por-valor"),
    ):  # one above the other: an incident's label needs the width
        top = frame.sort_values([metric, "id"], ascending=[False, False]).head(10)
        show(
            spec_cache.chart(incident_charts.top_chart, frame, metric),
            top[list(INCIDENT_CSV)].rename(columns=INCIDENT_CSV),
            name,
            f"graf_incidentes_{metric}",
            context=ctx,
        )
    st.page_link("pages/incidents.py", label="Abrir Incidentes", icon=":material/open_in_new:")
