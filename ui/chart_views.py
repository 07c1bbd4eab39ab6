"""Altair specs of the views supervisors asked for on Gráficos: People (who opens, who decides
and how fast), Amounts (computed vs approved, adjustments, approvals above one fee) and Method
(the split by calculation method). Same conventions as ui/charts.py: pt-BR titles, R$ axes,
heights from the number of bars."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib import fmt
from ui.charts import COUNT, MONEY, _finish, _metric_axis, bars_height

FINANCE_MEASURES = {"decided": "Decididos", "adjusted": "Ajustados", "rejected": "Reprovados"}
AMOUNT_MEASURES = {"computed_total": "Calculado", "approved_total": "Aprovado"}


def _y(field: str, limit: int = 260) -> alt.Y:
    return alt.Y(
        f"{field}:N", title=None, sort=None, axis=alt.Axis(labelLimit=limit, labelOverlap=False)
    )


def openers_chart(df: pd.DataFrame) -> alt.Chart:
    """Requests opened per attendant."""
    chart = (
        alt.Chart(df)
        .mark_bar(color="#4e79a7")
        .encode(
            y=_y("person"),
            x=alt.X("requests:Q", title="Pedidos abertos", axis=_metric_axis("requests")),
            tooltip=[
                alt.Tooltip("person:N", title="Atendente"),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
            ],
        )
        .properties(height=bars_height(len(df)))
    )
    return _finish(chart, "Pedidos abertos por atendente")


def decider_label(row) -> str:
    hours = row["decide_hours"]
    median = "—" if hours is None or pd.isna(hours) else f"{hours:.1f} h".replace(".", ",")
    return f"{row['person']} (mediana {median})"


def deciders_chart(df: pd.DataFrame) -> alt.Chart:
    """Per finance analyst: decided, adjusted and rejected side by side; the median time from
    opening to decision in the analyst's label."""
    frame = df.assign(label=[decider_label(r) for _, r in df.iterrows()]) if len(df) else df
    long = (
        frame.melt(
            id_vars=["label", "person", "decide_hours"],
            value_vars=list(FINANCE_MEASURES),
            var_name="measure_key",
            value_name="requests",
        ).assign(measure=lambda d: d.measure_key.map(FINANCE_MEASURES))
        if len(frame)
        else pd.DataFrame(columns=["label", "person", "decide_hours", "measure", "requests"])
    )
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=_y("label"),
            yOffset=alt.YOffset("measure:N", sort=list(FINANCE_MEASURES.values())),
            x=alt.X("requests:Q", title="Pedidos", axis=_metric_axis("requests")),
            color=alt.Color(
                "measure:N",
                title="Pedidos",
                sort=list(FINANCE_MEASURES.values()),
                scale=alt.Scale(
                    domain=list(FINANCE_MEASURES.values()),
                    range=["#59a14f", "#f28e2b", "#e15759"],
                ),
                legend=alt.Legend(orient="bottom", columns=1),
            ),
            tooltip=[
                alt.Tooltip("person:N", title="Analista"),
                alt.Tooltip("measure:N", title="Pedidos"),
                alt.Tooltip("requests:Q", title="Quantidade", format=COUNT),
                alt.Tooltip("decide_hours:Q", title="Mediana até decidir (h)", format=",.1f"),
            ],
        )
        .properties(height=bars_height(3 * len(df), subtitle=True, legend_rows=3))
    )
    return _finish(
        chart,
        "Decisões por analista do financeiro",
        "Mediana: da abertura do atendimento até a decisão.",
    )


def amounts_chart(df: pd.DataFrame) -> alt.Chart:
    """Per reason, over approved requests: R$ computed beside R$ approved; the subtitle counts
    the adjustments and the approvals above one monthly fee."""
    long = (
        df.melt(
            id_vars=["reason_label", "approved", "adjusted", "over_fee"],
            value_vars=list(AMOUNT_MEASURES),
            var_name="measure_key",
            value_name="amount",
        ).assign(measure=lambda d: d.measure_key.map(AMOUNT_MEASURES))
        if len(df)
        else pd.DataFrame(columns=["reason_label", "measure", "amount"])
    )
    adjusted = int(df["adjusted"].sum()) if len(df) else 0
    over = int(df["over_fee"].sum()) if len(df) else 0
    approved = int(df["approved"].sum()) if len(df) else 0
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=_y("reason_label"),
            yOffset=alt.YOffset("measure:N", sort=list(AMOUNT_MEASURES.values())),
            x=alt.X("amount:Q", title="Valor (R$)", axis=alt.Axis(format=MONEY, tickCount=5)),
            color=alt.Color(
                "measure:N",
                title="Valor",
                sort=list(AMOUNT_MEASURES.values()),
                scale=alt.Scale(
                    domain=list(AMOUNT_MEASURES.values()), range=["#bab0ac", "#59a14f"]
                ),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=[
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("measure:N", title="Valor"),
                alt.Tooltip("amount:Q", title="R$", format=MONEY),
                alt.Tooltip("approved:Q", title="Aprovados", format=COUNT),
                alt.Tooltip("adjusted:Q", title="Ajustados", format=COUNT),
                alt.Tooltip("over_fee:Q", title="Acima de uma mensalidade", format=COUNT),
            ],
        )
        .properties(height=bars_height(2 * len(df), subtitle=True, legend_rows=1))
    )
    return _finish(
        chart,
        "Valor calculado e aprovado por motivo",
        f"{fmt.number(approved, 0)} aprovados: {fmt.number(adjusted, 0)} com valor ajustado, "
        f"{fmt.number(over, 0)} acima de uma mensalidade.",
    )


def methods_chart(df: pd.DataFrame) -> alt.Chart:
    """Requests per calculation method (approved R$ in the tooltip)."""
    chart = (
        alt.Chart(df)
        .mark_bar(color="#76b7b2")
        .encode(
            y=_y("method_label", limit=480),
            x=alt.X("requests:Q", title="Pedidos", axis=_metric_axis("requests")),
            tooltip=[
                alt.Tooltip("method_label:N", title="Método"),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
                alt.Tooltip("approved_total:Q", title="Valor aprovado", format=MONEY),
            ],
        )
        .properties(height=bars_height(len(df)))
    )
    return _finish(chart, "Pedidos por método de cálculo")
