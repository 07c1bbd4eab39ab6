"""Altair chart builders for the supervisor's charts page (Altair is not Streamlit, so the specs
live here and are unit-tested).

Every chart: a pt-BR title, axes in R$ where money is drawn, month labels as `mar./2026`,
tooltips, and the same colour for a reason everywhere (REASON_COLOURS). Numbers and dates are
formatted by a pt-BR d3 locale set in each chart's config (`R$ 1.234,56`), so Vega-Lite draws
them the Brazilian way in the browser and in vl-convert's PNGs alike.
"""

from __future__ import annotations

import io
from typing import Any

import altair as alt
import pandas as pd

from lib.domain import DECISION_LABELS, REASONS, STATUS_LABELS, Decision, Status
from lib.spreadsheet import neutralise_frame

# One colour per reason code, used by every chart (Tableau 10, colour-blind friendly order).
REASON_COLOURS: dict[int, str] = {
    1: "#4e79a7",  # Técnico não compareceu
    2: "#f28e2b",  # Problema constatado da empresa
    3: "#e15759",  # Rompimento externo
    4: "#76b7b2",  # Queda massiva por configuração interna
    5: "#59a14f",  # Roubo de caixa de emenda
}
REASON_SCALE = alt.Scale(
    domain=[REASONS[c].label for c in REASON_COLOURS], range=list(REASON_COLOURS.values())
)
STATUS_COLOURS = {
    Status.NOVO: "#bab0ac",
    Status.PENDENTE: "#edc948",
    Status.EM_PROGRESSO: "#4e79a7",
    Status.SOLUCIONADO: "#59a14f",
    Status.CANCELADO: "#9c755f",
}
STATUS_SCALE = alt.Scale(
    domain=[STATUS_LABELS[s] for s in STATUS_COLOURS], range=list(STATUS_COLOURS.values())
)
DECISION_COLOURS = {
    Decision.APLICADO: "#59a14f",
    Decision.APROVADO: "#8cd17d",
    Decision.REPROVADO: "#e15759",
    Decision.PENDENTE: "#edc948",
    Decision.AGUARDANDO_RETORNO: "#bab0ac",
    Decision.CANCELADO: "#9c755f",
}
DECISION_SCALE = alt.Scale(
    domain=[DECISION_LABELS[d] for d in DECISION_COLOURS], range=list(DECISION_COLOURS.values())
)

# d3-format / d3-time-format locale for pt-BR (Vega-Lite `config.locale`).
PT_BR_LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": ".",
        "grouping": [3],
        "currency": ["R$ ", ""],
    },
    "time": {
        "dateTime": "%A, %e de %B de %Y. %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["domingo", "segunda", "terça", "quarta", "quinta", "sexta", "sábado"],
        "shortDays": ["dom.", "seg.", "ter.", "qua.", "qui.", "sex.", "sáb."],
        "months": [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
        "shortMonths": [
            "jan.",
            "fev.",
            "mar.",
            "abr.",
            "mai.",
            "jun.",
            "jul.",
            "ago.",
            "set.",
            "out.",
            "nov.",
            "dez.",
        ],
    },
}
MONEY = "$,.2f"  # with the locale above: R$ 1.234,56
COUNT = ",d"
HOURS = ",.1f"

METRICS = {"requests": "Pedidos", "approved_total": "Valor aprovado (R$)"}
REASON_SELECTION = "motivo"  # the Vega-Lite parameter name the page reads the click from


def _finish(
    chart: alt.Chart | alt.LayerChart | alt.FacetChart, title: str, subtitle: str = ""
) -> alt.Chart:
    params: dict[str, Any] = {"text": title, "anchor": "start"}
    if subtitle:
        params["subtitle"] = subtitle
    return chart.properties(title=alt.Title(**params), width="container").configure(
        locale=PT_BR_LOCALE
    )


def _metric_axis(metric: str) -> alt.Axis:
    if metric == "approved_total":
        return alt.Axis(format=MONEY, tickCount=5)
    return alt.Axis(format=COUNT, tickCount=5, tickMinStep=1)


def _metric_x(metric: str, *, stack=True, axis_title: str | None = None):
    return alt.X(
        f"{metric}:Q",
        title=axis_title or METRICS[metric],
        axis=_metric_axis(metric),
        stack=stack,
    )


def _reason_colour(legend: bool = True) -> alt.Color:
    return alt.Color(
        "reason_label:N",
        title="Motivo",
        scale=REASON_SCALE,
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=320) if legend else None,
    )


def reasons_chart(df: pd.DataFrame, metric: str = "requests") -> alt.Chart:
    """Discounts by reason; a click on a bar selects the reason (parameter `motivo`)."""
    if metric not in METRICS:
        raise ValueError(metric)
    pick = alt.selection_point(name=REASON_SELECTION, fields=["reason"], toggle=False)
    chart = (
        alt.Chart(df)
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y(
                "reason_label:N",
                title=None,
                sort=[REASONS[c].label for c in REASONS],
                axis=alt.Axis(labelLimit=320),
            ),
            x=_metric_x(metric),
            color=_reason_colour(legend=False),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
                alt.Tooltip("approved_total:Q", title="Valor aprovado", format=MONEY),
            ],
        )
        .add_params(pick)
        .properties(height=260)
    )
    return _finish(
        chart,
        "Descontos por motivo",
        "Clique em um motivo para filtrar os outros gráficos; clique fora para limpar.",
    )


def monthly_chart(df: pd.DataFrame, months: list[str], metric: str = "requests") -> alt.Chart:
    """The monthly trend, stacked by reason."""
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "month:O",
                title="Mês de abertura",
                sort=months,
                scale=alt.Scale(domain=months),  # every month of the period, even empty ones
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y(f"sum({metric}):Q", title=METRICS[metric], axis=_metric_axis(metric)),
            color=_reason_colour(),
            order=alt.Order("reason:Q"),
            tooltip=[
                alt.Tooltip("month:N", title="Mês"),
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
                alt.Tooltip("approved_total:Q", title="Valor aprovado", format=MONEY),
            ],
        )
        .properties(height=420)  # the legend takes ~110 px of it
    )
    return _finish(chart, "Tendência mensal por motivo")


def departments_chart(df: pd.DataFrame, scope: str) -> alt.Chart:
    """Tickets by department and status."""
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("department:N", title=None, sort="-x"),
            x=alt.X("sum(tickets):Q", title="Atendimentos", axis=_metric_axis("requests")),
            color=alt.Color(
                "status_label:N",
                title="Status",
                scale=STATUS_SCALE,
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("status:N"),
            tooltip=[
                alt.Tooltip("department:N", title="Departamento"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("tickets:Q", title="Atendimentos", format=COUNT),
            ],
        )
        .properties(height=260)
    )
    subtitle = (
        "Todos os atendimentos abertos no período."
        if scope == "todos"
        else "Só os atendimentos de desconto que passam pelos filtros de motivo e método."
    )
    return _finish(chart, "Atendimentos por departamento e status", subtitle)


def durations_chart(df: pd.DataFrame) -> alt.Chart:
    """The distribution of outage durations by reason (box: 25–75 %, whiskers: 5–95 %)."""
    base = alt.Chart(df).encode(
        y=alt.Y(
            "reason_label:N",
            title=None,
            sort=[REASONS[c].label for c in REASONS],
            axis=alt.Axis(labelLimit=320),
        ),
        tooltip=[
            alt.Tooltip("reason_label:N", title="Motivo"),
            alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
            alt.Tooltip("p05:Q", title="5% (h)", format=HOURS),
            alt.Tooltip("p25:Q", title="25% (h)", format=HOURS),
            alt.Tooltip("p50:Q", title="Mediana (h)", format=HOURS),
            alt.Tooltip("p75:Q", title="75% (h)", format=HOURS),
            alt.Tooltip("p95:Q", title="95% (h)", format=HOURS),
        ],
    )
    whiskers = base.mark_rule().encode(
        x=alt.X("p05:Q", title="Duração da interrupção (horas)", axis=alt.Axis(format=",.1~f")),
        x2="p95:Q",
        color=_reason_colour(legend=False),
    )
    box = base.mark_bar(size=16).encode(x="p25:Q", x2="p75:Q", color=_reason_colour(legend=False))
    median = base.mark_tick(color="black", size=16, thickness=2).encode(x="p50:Q")
    return _finish(
        alt.layer(whiskers, box, median).properties(height=260),
        "Duração das interrupções por motivo",
        "Caixa: metade central (25% a 75%); linha: 5% a 95%; traço: mediana.",
    )


def handling_chart(df: pd.DataFrame, months: list[str]) -> alt.Chart:
    """Time to assume and time to apply: median and 90th percentile by month."""
    chart = (
        alt.Chart(df)
        .transform_fold(["p50_hours", "p90_hours"], as_=["stat_key", "hours"])
        .transform_calculate(stat="datum.stat_key === 'p50_hours' ? 'Mediana' : '90% dos pedidos'")
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "month:O",
                title="Mês de abertura",
                sort=months,
                scale=alt.Scale(domain=months),  # every month of the period, even empty ones
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("hours:Q", title="Horas desde a abertura", axis=alt.Axis(format=",.1~f")),
            color=alt.Color(
                "measure:N",
                title="Etapa",
                scale=alt.Scale(range=["#4e79a7", "#f28e2b"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "stat:N",
                title="Estatística",
                sort=["Mediana", "90% dos pedidos"],
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("month:N", title="Mês"),
                alt.Tooltip("measure:N", title="Etapa"),
                alt.Tooltip("stat:N", title="Estatística"),
                alt.Tooltip("hours:Q", title="Horas", format=HOURS),
                alt.Tooltip("n:Q", title="Pedidos", format=COUNT),
            ],
        )
        .properties(height=300)
    )
    return _finish(chart, "Tempo até assumir e até aplicar")


def places_chart(df: pd.DataFrame, place_label: str) -> alt.Chart:
    """The neighbourhoods or CTO boxes with the most discounted customers."""
    chart = (
        alt.Chart(df)
        .mark_bar(color="#4e79a7")
        .encode(
            y=alt.Y("place:N", title=None, sort="-x"),
            x=alt.X("customers:Q", title="Clientes com desconto", axis=_metric_axis("requests")),
            tooltip=[
                alt.Tooltip("place:N", title=place_label),
                alt.Tooltip("customers:Q", title="Clientes", format=COUNT),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
                alt.Tooltip("approved_total:Q", title="Valor aprovado", format=MONEY),
            ],
        )
        .properties(height=max(160, 22 * len(df)))
    )
    plural = "bairros" if place_label == "Bairro" else "caixas CTO"
    return _finish(chart, f"Os {plural} com mais clientes com desconto")


def decisions_chart(df: pd.DataFrame) -> alt.Chart:
    """Approval and rejection by reason (share of each decision; counts in the tooltip)."""
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(
                "reason_label:N",
                title=None,
                sort=[REASONS[c].label for c in REASONS],
                axis=alt.Axis(labelLimit=320),
            ),
            x=alt.X(
                "sum(requests):Q",
                title="Parcela dos pedidos",
                stack="normalize",
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "decision_label:N",
                title="Decisão",
                scale=DECISION_SCALE,
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("decision:N"),
            tooltip=[
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("decision_label:N", title="Decisão"),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
            ],
        )
        .properties(height=260)
    )
    return _finish(chart, "Aprovação e reprovação por motivo")


def reason_from_selection(state) -> int | None:
    """The reason code clicked in the reasons chart, from the chart's selection state as
    Streamlit keeps it (`{"selection": {"motivo": [{"reason": 3}]}}`); None when nothing is
    selected or the state is not a selection."""
    try:
        points = state["selection"][REASON_SELECTION]
    except (KeyError, TypeError, AttributeError):
        return None
    for point in points or []:
        try:
            code = int(point["reason"])
        except (KeyError, TypeError, ValueError):
            continue
        if code in REASONS:
            return code
    return None


# --- downloads ------------------------------------------------------------------------------

# pt-BR headers for the CSV of each chart's data.
CSV_HEADERS = {
    "reason": "Código do motivo",
    "reason_label": "Motivo",
    "requests": "Pedidos",
    "approved_total": "Valor aprovado (R$)",
    "month": "Mês",
    "month_start": "Início do mês",
    "department": "Departamento",
    "status": "Código do status",
    "status_label": "Status",
    "tickets": "Atendimentos",
    "p05": "Duração 5% (h)",
    "p25": "Duração 25% (h)",
    "p50": "Duração mediana (h)",
    "p75": "Duração 75% (h)",
    "p95": "Duração 95% (h)",
    "measure": "Etapa",
    "n": "Pedidos",
    "p50_hours": "Mediana (h)",
    "p90_hours": "90% dos pedidos (h)",
    "place": "Local",
    "customers": "Clientes",
    "decision": "Código da decisão",
    "decision_label": "Decisão",
}


def csv_bytes(df: pd.DataFrame, place_label: str | None = None) -> bytes:
    """The chart's data as CSV for a Brazilian spreadsheet: pt-BR headers, `;` separator,
    decimal comma, UTF-8 with BOM (Excel opens accents right). Names people typed (a
    department, a place) that a spreadsheet would run as formulas get a leading quote."""
    headers = dict(CSV_HEADERS)
    if place_label:
        headers["place"] = place_label
    buffer = io.StringIO()
    neutralise_frame(df.rename(columns=headers)).to_csv(buffer, sep=";", decimal=",", index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def png_bytes(chart: alt.TopLevelMixin, width: int = 800) -> bytes:
    """The chart as a PNG (vl-convert renders without a browser). "container" width is
    replaced by a fixed one, since there is no container to fill."""
    import vl_convert

    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
    return vl_convert.vegalite_to_png(spec, scale=2)
