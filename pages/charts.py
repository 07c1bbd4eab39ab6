"""Gráficos: where discounts come from and whether finance keeps up (supervisors only)."""

from __future__ import annotations

import streamlit as st

from lib.auth import Perm
from lib.domain import now
from lib.usecases import reports
from ui import chart_blocks as blocks
from ui import charts, session, spec_cache
from ui import reports as cached

SELECTION_KEY = "graf_motivos"

user = session.require(Perm.VIEW_CHARTS)
st.title("Gráficos")
st.caption("De onde vêm os descontos e se o financeiro está dando conta do prazo.")

options = reports.filter_options(session.store(), user)
today = now().date()
reason_names = dict(options.reasons)
dept_names = dict(options.departments)
method_names = dict(options.methods)

cols = st.columns([3, 3, 2, 2])
period = cols[0].date_input(
    "Período",
    value=reports.default_period(today),
    max_value=today,
    format="DD/MM/YYYY",
    key="graf_periodo",
)
chosen_reasons = cols[1].multiselect(
    "Motivo",
    list(reason_names),
    format_func=reason_names.get,
    placeholder="Todos os motivos",
    key="graf_filtro_motivo",
)
department = cols[2].selectbox(
    "Departamento",
    [None, *dept_names],
    format_func=lambda d: "Todos" if d is None else dept_names[d],
    key="graf_departamento",
)
method = cols[3].selectbox(
    "Método de cálculo",
    [None, *method_names],
    format_func=lambda m: "Todos" if m is None else method_names[m],
    key="graf_metodo",
)
if not isinstance(period, tuple) or len(period) != 2:
    st.info("Escolha a data final do período.")
    st.stop()

selected = charts.reason_from_selection(st.session_state.get(SELECTION_KEY))
if selected is not None and chosen_reasons and selected not in chosen_reasons:
    selected = None  # the clicked reason is no longer among the filtered ones

switches = st.columns([2, 2, 4])
metric = switches[0].radio(
    "Medir por",
    list(charts.METRICS),
    format_func=lambda m: "Quantidade" if m == "requests" else "Valor (R$)",
    horizontal=True,
    key="graf_medida",
)
place_by = switches[1].radio(
    "Locais por",
    list(reports.PLACE_KINDS),
    format_func=reports.PLACE_KINDS.get,
    horizontal=True,
    key="graf_local",
)
filters = reports.Filters(
    start=period[0],
    end=period[1],
    reasons=tuple(sorted(chosen_reasons)),
    department_id=department,
    method=method,
    selected_reason=selected,
    place_by=place_by,
)
data = cached.charts_page(filters, user, today)

prev_start, prev_end = filters.previous()
if selected is not None:
    switches[2].info(
        f"Filtrando pelo motivo **{reason_names[selected]}** (clicado no gráfico de motivos).",
        icon=":material/filter_alt:",
    )

st.subheader("Números do período")
metric_cols = [*st.columns(4), *st.columns(4)]
for col, figure in zip(metric_cols, data.headline, strict=False):
    blocks.figure(col, figure, prev_start, prev_end)

ctx = blocks.context(filters, options)
row = st.columns(2)
with row[0]:
    blocks.show(
        spec_cache.chart(charts.reasons_chart, data.by_reason, metric),
        data.by_reason,
        "descontos-por-motivo",
        SELECTION_KEY,
        empty=data.by_reason["requests"].sum() == 0,
        on_select="rerun",
        selection_mode=charts.REASON_SELECTION,
        context=ctx,
    )
    if selected is not None:
        blocks.reason_link(filters, options.discount_subject, "Ver estes pedidos no Atendimentos")
with row[1]:
    month_event = blocks.show(
        spec_cache.chart(charts.monthly_chart, data.monthly, data.months, metric),
        data.monthly,
        "tendencia-mensal",
        "graf_mensal",
        on_select="rerun",
        selection_mode=charts.MONTH_SELECTION,
        context=ctx,
    )
    month = blocks.month_from_selection(month_event, data)
    if month is not None:  # a month clicked: its requests in Atendimentos
        blocks.open_tickets(
            blocks.ticket_filters(filters, month_start=month, subject_id=options.discount_subject)
        )
row = st.columns(2)
with row[0]:
    blocks.show(
        spec_cache.chart(charts.handling_chart, data.handling, data.months),
        data.handling,
        "tempo-ate-assumir-e-aplicar",
        "graf_tempos",
        context=ctx,
    )
with row[1]:
    blocks.show(
        spec_cache.chart(charts.decisions_chart, data.decisions),
        data.decisions,
        "aprovacao-por-motivo",
        "graf_decisoes",
        context=ctx,
    )
row = st.columns(2)
with row[0]:
    blocks.show(
        spec_cache.chart(charts.durations_chart, data.durations),
        data.durations,
        "duracao-das-interrupcoes",
        "graf_duracoes",
        context=ctx,
    )
with row[1]:
    place_label = reports.PLACE_KINDS[place_by]
    blocks.show(
        spec_cache.chart(charts.places_chart, data.places, place_label),
        data.places,
        "locais-com-mais-clientes",
        "graf_locais",
        place_label=place_label,
        context=ctx,
    )
dept_event = blocks.show(
    spec_cache.chart(charts.departments_chart, data.departments, data.departments_scope),
    data.departments,
    "atendimentos-por-departamento",
    "graf_departamentos",
    on_select="rerun",
    selection_mode=charts.DEPARTMENT_SELECTION,
    context=ctx,
)
picked = blocks.department_from_selection(dept_event)
if picked and (to := blocks.department_filters(filters, options, picked, data.departments_scope)):
    blocks.open_tickets(to)
st.subheader("Mais visões")
blocks.views(filters, user, today, ctx)
