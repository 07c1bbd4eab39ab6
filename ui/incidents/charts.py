"""Altair charts of incidents (issue 15): incidents by reason and month, and the top incidents
by affected customers and by R$. Built from plain rows (lib.usecases.incidents), so the
Incidentes page and, later, Gráficos can show the same charts."""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd

from lib import fmt
from lib.domain import REASONS
from ui.charts import (
    COUNT,
    MONEY,
    REASON_COLOURS,
    _finish,
    _month_axis,
    _month_axis_h,
    bars_height,
    chart_height,
)

# The incident reasons only (3-5), in the colours every chart gives them.
INCIDENT_REASON_SCALE = alt.Scale(
    domain=[REASONS[c].label for c in (3, 4, 5)], range=[REASON_COLOURS[c] for c in (3, 4, 5)]
)
TOP_METRICS = {"customers": "Clientes afetados", "computed": "Valor calculado (R$)"}


def monthly_frame(rows: list[dict]) -> pd.DataFrame:
    """(month, reason, incidents) rows -> the frame monthly_chart draws."""
    df = pd.DataFrame(rows, columns=["month", "reason", "incidents"])
    df["month_label"] = [fmt.month(m) for m in df["month"]]
    df["reason_label"] = [REASONS[int(r)].label for r in df["reason"]]
    df["incidents"] = df["incidents"].astype(int)
    return df


def monthly_chart(df: pd.DataFrame) -> alt.Chart:
    """Incidents per month, stacked by reason (months in calendar order)."""
    months = list(dict.fromkeys(df.sort_values("month")["month_label"]))
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("month_label:N", title="Mês", sort=months, axis=_month_axis(months)),
            y=alt.Y(
                "incidents:Q",
                title="Incidentes",
                axis=alt.Axis(format=COUNT, tickMinStep=1),
                stack=True,
            ),
            color=alt.Color(
                "reason_label:N",
                title="Motivo",
                scale=INCIDENT_REASON_SCALE,
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("month_label:N", title="Mês"),
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("incidents:Q", title="Incidentes", format=COUNT),
            ],
        )
    )
    # the plot plus title, subtitle, month axis and one legend row per reason (nothing clipped)
    legend_rows = max(1, df["reason_label"].nunique())
    chart = chart.properties(
        height=chart_height(
            220, subtitle=True, legend_rows=legend_rows, x_axis=_month_axis_h(months)
        )
    )
    return _finish(chart, "Incidentes por motivo e mês", "Pelo mês de início do incidente")


LABEL_CHARS = 96  # the demo's longest reads whole; a longer title ends in '…'


def _label(r: dict) -> str:
    """'#25 12/03/2026 · title': the start tells apart incidents with the same title."""
    text = f"#{r['id']} {fmt.day(r['started_at'])} · {r['title']}"
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def incidents_frame(rows: list[dict]) -> pd.DataFrame:
    """Incident rows (list_incidents) -> one row per incident with its label, customers and
    R$ computed (floats for drawing; the page shows money with lib.fmt)."""
    df = pd.DataFrame(
        [
            {
                "id": r["id"],
                "label": _label(r),
                "reason_label": REASONS[int(r["reason"])].label,
                "customers": int(r["customers"]),
                "requests": int(r["requests"]),
                "computed": float(Decimal(r["computed"] or 0)),
                "computed_text": fmt.brl(Decimal(r["computed"] or 0)),
                "start_text": fmt.day_time(r["started_at"]),
            }
            for r in rows
        ],
        columns=[
            "id",
            "label",
            "reason_label",
            "customers",
            "requests",
            "computed",
            "computed_text",
            "start_text",
        ],
    )
    return df


def top_chart(df: pd.DataFrame, metric: str = "customers", n: int = 10) -> alt.Chart:
    """The `n` incidents with the most affected customers (or the most R$ computed)."""
    if metric not in TOP_METRICS:
        raise ValueError(metric)
    top = df.sort_values([metric, "id"], ascending=[False, False]).head(n)
    chart = (
        alt.Chart(top)
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N",
                title=None,
                sort="-x",
                axis=alt.Axis(labelLimit=560, labelOverlap=False),
            ),
            x=alt.X(
                f"{metric}:Q",
                title=TOP_METRICS[metric],
                axis=alt.Axis(format=MONEY if metric == "computed" else COUNT, tickMinStep=1),
            ),
            color=alt.Color(
                "reason_label:N", title="Motivo", scale=INCIDENT_REASON_SCALE, legend=None
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Incidente"),
                alt.Tooltip("reason_label:N", title="Motivo"),
                alt.Tooltip("start_text:N", title="Início"),
                alt.Tooltip("customers:Q", title="Clientes afetados", format=COUNT),
                alt.Tooltip("requests:Q", title="Pedidos", format=COUNT),
                alt.Tooltip("computed_text:N", title="Valor calculado"),
            ],
        )
    )
    title = (
        f"Incidentes com mais clientes afetados (top {n})"
        if metric == "customers"
        else f"Incidentes com maior valor calculado (top {n})"
    )
    return _finish(chart.properties(height=bars_height(len(top))), title)


def map_frame(members: list[dict]) -> pd.DataFrame:
    """One point per affected CTO box (or neighbourhood, for logins without a box): the mean
    of its logins' coordinates, sized by how many logins it holds. Logins without coordinates
    are left out."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for m in members:
        if m.get("latitude") is None or m.get("longitude") is None:
            continue
        place = m.get("cto_box") or m.get("neighbourhood") or "?"
        groups.setdefault(place, []).append((float(m["latitude"]), float(m["longitude"])))
    return pd.DataFrame(
        [
            {
                "place": place,
                "lat": sum(p[0] for p in pts) / len(pts),
                "lon": sum(p[1] for p in pts) / len(pts),
                "logins": len(pts),
            }
            for place, pts in sorted(groups.items())
        ],
        columns=["place", "lat", "lon", "logins"],
    )


def map_chart(points: pd.DataFrame, logins: pd.DataFrame | None = None) -> alt.Chart:
    """The affected boxes on latitude/longitude (no map tiles: the app runs without internet),
    each circle sized by its logins, over the affected logins as small dots."""
    lon = alt.X(
        "lon:Q", title="Longitude", scale=alt.Scale(zero=False), axis=alt.Axis(format=".3f")
    )
    lat = alt.Y("lat:Q", title="Latitude", scale=alt.Scale(zero=False), axis=alt.Axis(format=".3f"))
    boxes = (
        alt.Chart(points)
        .mark_circle(opacity=0.55, color="#e15759", stroke="#7f1d1d", strokeWidth=1)
        .encode(
            x=lon,
            y=lat,
            size=alt.Size("logins:Q", title="Logins", scale=alt.Scale(range=[80, 1600])),
            tooltip=[
                alt.Tooltip("place:N", title="Caixa / bairro"),
                alt.Tooltip("logins:Q", title="Logins afetados", format=COUNT),
            ],
        )
    )
    labels = (
        alt.Chart(points)
        .mark_text(dy=-14, fontSize=11, color="#333")
        .encode(x=lon, y=lat, text="place:N")
    )
    layers: list = [boxes, labels]
    if logins is not None and not logins.empty:
        dots = (
            alt.Chart(logins)
            .mark_circle(size=12, color="#4e79a7", opacity=0.6)
            .encode(x=lon, y=lat, tooltip=[alt.Tooltip("place:N", title="Caixa / bairro")])
        )
        layers.insert(0, dots)
    layered = alt.layer(*layers).properties(height=360)
    return _finish(layered, "Caixas afetadas", "Posição média dos logins de cada caixa CTO/NAP")


def login_points(members: list[dict]) -> pd.DataFrame:
    """Each affected login with coordinates, and its box."""
    return pd.DataFrame(
        [
            {
                "lat": float(m["latitude"]),
                "lon": float(m["longitude"]),
                "place": m.get("cto_box") or m.get("neighbourhood") or "?",
            }
            for m in members
            if m.get("latitude") is not None and m.get("longitude") is not None
        ],
        columns=["lat", "lon", "place"],
    )
