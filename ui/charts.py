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
MONTH_SELECTION = "mes"  # a click on a month of the monthly chart (opens Atendimentos)
DEPARTMENT_SELECTION = "depto"  # a click on a department's bar (opens Atendimentos)

# Streamlit draws a chart in exactly the height its spec names, title, axes and legend
# included: a fixed height squeezed the bars until Vega dropped most of their labels. Each
# chart's height is therefore computed from what it holds: a step per bar (or a plot height
# for time series) plus room for the title, the subtitle, the x axis and each legend row.
BAR_STEP = 26
TITLE_H = 34
SUBTITLE_H = 18
X_AXIS_H = 52
LEGEND_TITLE_H = 24
LEGEND_ROW_H = 20


def chart_height(
    plot: int, *, subtitle: bool = False, legend_rows: int = 0, x_axis: int = X_AXIS_H
) -> int:
    """The whole chart's height for a plot area of `plot` pixels."""
    legend = LEGEND_TITLE_H + LEGEND_ROW_H * legend_rows + 12 if legend_rows else 0
    return plot + TITLE_H + (SUBTITLE_H if subtitle else 0) + x_axis + legend


def bars_height(bars: int, **kw) -> int:
    return chart_height(BAR_STEP * max(1, bars), **kw)


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
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=400) if legend else None,
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
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
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
        .properties(height=bars_height(len(REASONS), subtitle=True))
    )
    return _finish(
        chart,
        "Descontos por motivo",
        "Clique em um motivo para filtrar os outros gráficos; clique fora para limpar.",
    )


def monthly_chart(df: pd.DataFrame, months: list[str], metric: str = "requests") -> alt.Chart:
    """The monthly trend, stacked by reason; a click on a month opens its requests."""
    pick = alt.selection_point(name=MONTH_SELECTION, fields=["month"], toggle=False)
    chart = (
        alt.Chart(df)
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X(
                "month:O",
                title="Mês de abertura",
                sort=months,
                scale=alt.Scale(domain=months),  # every month of the period, even empty ones
                axis=_month_axis(months),
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
        .add_params(pick)
        .properties(
            height=chart_height(260, subtitle=True, legend_rows=5, x_axis=_month_axis_h(months))
        )
    )
    return _finish(
        chart,
        "Tendência mensal por motivo",
        "Clique em um mês para ver os pedidos no Atendimentos.",
    )


def _month_axis(months: list[str]) -> alt.Axis:
    """Every month label drawn: level up to 6 months, slanted beyond."""
    angle = 0 if len(months) <= 6 else -45
    return alt.Axis(labelAngle=angle, labelOverlap=False, labelLimit=90)


def _month_axis_h(months: list[str]) -> int:
    return X_AXIS_H if len(months) <= 6 else X_AXIS_H + 30


def departments_chart(df: pd.DataFrame, scope: str) -> alt.Chart:
    """Tickets by department and status; a click on a bar opens those tickets."""
    pick = alt.selection_point(
        name=DEPARTMENT_SELECTION, fields=["department", "status"], toggle=False
    )
    chart = (
        alt.Chart(df)
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y(
                "department:N",
                title=None,
                sort="-x",
                axis=alt.Axis(labelLimit=200, labelOverlap=False),
            ),
            x=alt.X("sum(tickets):Q", title="Atendimentos", axis=_metric_axis("requests")),
            color=alt.Color(
                "status_label:N",
                title="Status",
                scale=STATUS_SCALE,
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            order=alt.Order("status:N"),
            tooltip=[
                alt.Tooltip("department:N", title="Departamento"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("tickets:Q", title="Atendimentos", format=COUNT),
            ],
        )
        .add_params(pick)
        .properties(height=bars_height(df["department"].nunique(), subtitle=True, legend_rows=2))
    )
    subtitle = (
        "Todos os atendimentos abertos no período."
        if scope == "todos"
        else "Só os atendimentos de desconto que passam pelos filtros de motivo e método."
    ) + " Clique numa barra para vê-los no Atendimentos."
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
        alt.layer(whiskers, box, median).properties(
            height=bars_height(max(1, df["reason"].nunique()), subtitle=True)
        ),
        "Duração das interrupções por motivo",
        "Caixa: metade central (25% a 75%); linha: 5% a 95%; traço: mediana.",
    )


HANDLING_SERIES = [  # (measure label, statistic label, colour, dash)
    ("Abertura → assumido", "mediana", "#f28e2b", [1, 0]),
    ("Abertura → assumido", "90% dos pedidos", "#f28e2b", [6, 4]),
    ("Abertura → aplicado", "mediana", "#4e79a7", [1, 0]),
    ("Abertura → aplicado", "90% dos pedidos", "#4e79a7", [6, 4]),
]


HANDLING_LEGEND = "Linha"


def _handling_legend() -> alt.Legend:
    return alt.Legend(
        orient="bottom", columns=1, labelLimit=400, symbolType="stroke", symbolStrokeWidth=2
    )


def handling_chart(df: pd.DataFrame, months: list[str]) -> alt.Chart:
    """Time to assume and time to apply: median (solid) and 90th percentile (dashed) by month,
    in one legend that names each line ("Abertura → aplicado, mediana")."""
    names = [f"{m}, {s}" for m, s, _, _ in HANDLING_SERIES]
    chart = (
        alt.Chart(df)
        .transform_fold(["p50_hours", "p90_hours"], as_=["stat_key", "hours"])
        .transform_calculate(
            stat="datum.stat_key === 'p50_hours' ? 'mediana' : '90% dos pedidos'",
            series="datum.measure + ', ' + datum.stat",
        )
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "month:O",
                title="Mês de abertura",
                sort=months,
                scale=alt.Scale(domain=months),  # every month of the period, even empty ones
                axis=_month_axis(months),
            ),
            y=alt.Y("hours:Q", title="Horas desde a abertura", axis=alt.Axis(format=",.1~f")),
            # the same field, title and legend on both channels: Vega-Lite draws ONE legend
            # whose symbols carry both the colour and the dash of each line
            color=alt.Color(
                "series:N",
                title=HANDLING_LEGEND,
                scale=alt.Scale(domain=names, range=[c for _, _, c, _ in HANDLING_SERIES]),
                legend=_handling_legend(),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=HANDLING_LEGEND,
                scale=alt.Scale(domain=names, range=[d for _, _, _, d in HANDLING_SERIES]),
                legend=_handling_legend(),
            ),
            tooltip=[
                alt.Tooltip("month:N", title="Mês"),
                alt.Tooltip("measure:N", title="Etapa"),
                alt.Tooltip("stat:N", title="Estatística"),
                alt.Tooltip("hours:Q", title="Horas", format=HOURS),
                alt.Tooltip("n:Q", title="Pedidos", format=COUNT),
            ],
        )
        .properties(height=chart_height(220, legend_rows=4, x_axis=_month_axis_h(months)))
    )
    return _finish(chart, "Tempo até assumir e até aplicar")


def places_chart(df: pd.DataFrame, place_label: str) -> alt.Chart:
    """The neighbourhoods or CTO boxes with the most discounted customers."""
    chart = (
        alt.Chart(df)
        .mark_bar(color="#4e79a7")
        .encode(
            y=alt.Y(
                "place:N", title=None, sort="-x", axis=alt.Axis(labelLimit=200, labelOverlap=False)
            ),
            x=alt.X("customers:Q", title="Clientes com desconto", axis=_metric_axis("requests")),
            tooltip=[
                alt.Tooltip("place:N", title=place_label),
                alt.Tooltip("customers:Q", title="Clientes", format=COUNT),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
                alt.Tooltip("approved_total:Q", title="Valor aprovado", format=MONEY),
            ],
        )
        .properties(height=bars_height(len(df)))
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
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
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
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=300),
            ),
            order=alt.Order("decision:N"),
            tooltip=[
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("decision_label:N", title="Decisão"),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
            ],
        )
        .properties(height=bars_height(max(1, df["reason"].nunique()), legend_rows=6))
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
    "person": "Pessoa",
    "decided": "Decididos",
    "adjusted": "Ajustados",
    "rejected": "Reprovados",
    "decide_hours": "Mediana até decidir (h)",
    "approved": "Aprovados",
    "computed_total": "Valor calculado (R$)",
    "over_fee": "Acima de uma mensalidade",
    "method": "Código do método",
    "method_label": "Método de cálculo",
}


def csv_bytes(df: pd.DataFrame, place_label: str | None = None) -> bytes:
    """The chart's data as CSV for a Brazilian spreadsheet: pt-BR headers, `;` separator,
    decimal comma, UTF-8 with BOM (Excel opens accents right). Names people typed (a
    department, a place) that a spreadsheet would run as formulas get a leading quote."""
    headers = dict(CSV_HEADERS)
    if place_label:
        headers["place"] = place_label
    buffer = io.StringIO()
    # every non-integer number with two decimals: money reads "108,30", never "108,3"
    neutralise_frame(df.rename(columns=headers)).to_csv(
        buffer, sep=";", decimal=",", float_format="%.2f", index=False
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def title_of(chart: alt.TopLevelMixin) -> str:
    """The chart's title, read from the chart (no spec is built: an empty chart's box needs
    only this)."""
    title = getattr(chart, "title", "")  # Undefined, a string, or an alt.Title
    text = title if isinstance(title, str) else getattr(title, "text", "")
    if isinstance(text, list):
        text = " ".join(str(t) for t in text)
    return text if isinstance(text, str) else ""


def png_spec(chart: alt.TopLevelMixin, context: list[str] | None = None, width: int = 800) -> dict:
    """The spec a PNG is drawn from: a fixed width ("container" has nothing to fill) and the
    period and filters the chart was drawn with under its title, so a picture pasted in a
    report still says what it counts."""
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
    if context:
        title = dict(spec.get("title") or {})
        sub = title.get("subtitle") or []
        sub = [sub] if isinstance(sub, str) else list(sub)
        title["subtitle"] = [*context, *sub]
        spec["title"] = title
        if isinstance(spec.get("height"), int):
            spec["height"] += SUBTITLE_H * len(context)
    return spec


def png_bytes(
    chart: alt.TopLevelMixin, context: list[str] | None = None, width: int = 800
) -> bytes:
    """The chart as a PNG (vl-convert renders without a browser)."""
    import vl_convert

    return vl_convert.vegalite_to_png(png_spec(chart, context, width), scale=2)
