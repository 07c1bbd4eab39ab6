"""Use-cases of the supervisor's charts page: where discounts come from, whether finance keeps
up. Each checks Perm.VIEW_CHARTS and reads in one cursor; all aggregation runs in DuckDB and
only the rows a chart draws come back, as small pandas frames (chart data, money as float) or
as `Figure`s (headline figures, money as Decimal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from babel.numbers import format_decimal

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import METHODS
from lib.domain import (
    DECISION_LABELS,
    DISCOUNT_SUBJECT,
    INCIDENT_REASONS,
    REASONS,
    STATUS_LABELS,
    TZ,
    Decision,
    DomainError,
    StaleState,
    Status,
)
from lib.domain import now as clock_now
from lib.store import Store
from lib.store import catalog as cat
from lib.store import incidents as inc
from lib.store import reports as rs
from lib.store import ticket_list as tlq

NEAR_DEADLINE_DAYS = tlq.DEADLINE_NEAR_DAYS  # the same "em risco" as Atendimentos' filter
TOP_PLACES = 15
PLACE_KINDS = {"neighbourhood": "Bairro", "cto_box": "Caixa CTO"}
MEASURE_LABELS = {"assumir": "Abertura → assumido", "aplicar": "Abertura → aplicado"}


@dataclass(frozen=True)
class Filters:
    """What the page's widgets chose. Hashable, so the UI can cache by it."""

    start: date
    end: date  # inclusive
    reasons: tuple[int, ...] = ()
    department_id: int | None = None
    method: str | None = None
    selected_reason: int | None = None  # the reason clicked in the main chart
    place_by: str = "neighbourhood"

    def bounds(self) -> tuple[datetime, datetime, datetime]:
        """previous_start, start, end as São Paulo instants; the previous period has the same
        number of days and ends where this one starts."""
        if self.end < self.start:
            raise DomainError("Período: a data final é anterior à inicial.")
        days = (self.end - self.start).days + 1
        start = datetime.combine(self.start, time(), TZ)
        end = datetime.combine(self.end + timedelta(days=1), time(), TZ)
        return start - timedelta(days=days), start, end

    def previous(self) -> tuple[date, date]:
        days = (self.end - self.start).days + 1
        return self.start - timedelta(days=days), self.start - timedelta(days=1)


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month eleven months back to today."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), today


@dataclass(frozen=True)
class Figure:
    """One headline figure and the same figure over the previous period of equal length."""

    key: str
    label: str
    kind: str  # money | count | percent | duration
    value: Decimal | int | float | None
    previous: Decimal | int | float | None
    lower_is_better: bool = False
    description: str = ""
    today: bool = False  # a state of today (no previous period to compare with)

    @property
    def text(self) -> str:
        return _format(self.kind, self.value)

    @property
    def previous_text(self) -> str:
        return _format(self.kind, self.previous)

    @property
    def delta(self) -> str | None:
        """The change against the previous period, pt-BR, signed; None when not comparable."""
        if self.value is None or self.previous is None:
            return None
        diff = self.value - self.previous  # type: ignore[operator]  # both of one kind
        # an ASCII minus: st.metric reads a leading "-" as a fall (arrow down)
        sign = "+" if diff > 0 else ("-" if diff < 0 else "")
        if self.kind == "percent":
            return f"{sign}{_percent_points(abs(diff))} p.p."
        return sign + _format(self.kind, abs(diff))

    @property
    def unchanged(self) -> bool:
        """The same figure as in the previous period (shown neutral: no arrow, no colour).
        Compared as shown, so a rate that moved by less than the decimal shown is unchanged."""
        if self.value is None or self.previous is None:
            return False
        if self.kind == "percent":
            return _percent_points(abs(self.value - self.previous)) == "0,0"  # type: ignore[operator]
        return _format(self.kind, self.value) == _format(self.kind, self.previous)


def _percent_points(fraction) -> str:
    """A share as percent with exactly one decimal ("85,0", "86,1"): every rate on the page
    reads alike."""
    return format_decimal(Decimal(str(fraction)) * 100, format="#,##0.0", locale=fmt.LOCALE)


def _format(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return fmt.brl(value)
    if kind == "percent":
        return _percent_points(value) + "%"
    if kind == "duration":
        minutes = int(round(value))
        if minutes >= 1440:  # a headline needs no minutes past a day
            minutes = int(round(minutes / 60)) * 60
        return fmt.duration(minutes)
    return fmt.number(value, 0)


@dataclass
class ChartsData:
    filters: Filters
    headline: list[Figure]
    by_reason: pd.DataFrame
    monthly: pd.DataFrame
    departments: pd.DataFrame
    departments_scope: str  # "todos" (all tickets) or "descontos" (discount tickets only)
    durations: pd.DataFrame
    handling: pd.DataFrame
    places: pd.DataFrame
    decisions: pd.DataFrame
    months: list[str] = field(default_factory=list)  # the month labels in order, for the x axis


@dataclass(frozen=True)
class Options:
    departments: list[tuple[int, str]]
    reasons: list[tuple[int, str]]
    methods: list[tuple[str, str]]
    discount_subject: int | None = None  # DESCONTO EM FATURA, for the links into Atendimentos


def filter_options(store: Store, actor: User) -> Options:
    require(actor, Perm.VIEW_CHARTS)
    with store.read() as cur:
        depts = [(d["id"], d["name"]) for d in rs.departments(cur)]
        subject = cat.find_item(cur, "subject", DISCOUNT_SUBJECT)
    return Options(
        discount_subject=subject["id"] if subject else None,
        departments=depts,
        reasons=[(code, r.label) for code, r in REASONS.items()],
        methods=[(code, m.label) for code, m in METHODS.items()],
    )


def charts_page(
    store: Store, actor: User, filters: Filters, today: date | None = None
) -> ChartsData:
    """Everything the charts page draws for one rerun, from one join and small aggregates."""
    require(actor, Perm.VIEW_CHARTS)
    today = today or clock_now().date()
    if filters.place_by not in PLACE_KINDS:
        raise DomainError("Agrupamento de local inválido.")
    if filters.method is not None and filters.method not in METHODS:
        raise DomainError("Método de cálculo desconhecido.")
    previous_start, start, end = filters.bounds()
    selected = filters.selected_reason
    refresh_facts(store)
    with store.read() as cur:
        rs.build_facts(
            cur,
            previous_start=previous_start,
            start=start,
            end=end,
            reasons=list(filters.reasons),
            department_id=filters.department_id,
            method=filters.method,
        )
        try:
            head = rs.headline(cur, selected)
            due = rs.deadlines(
                cur,
                reasons=list(filters.reasons),
                department_id=filters.department_id,
                method=filters.method,
                selected=selected,
                today=today,
                near_days=NEAR_DEADLINE_DAYS,
            )
            reasons = rs.by_reason(cur)
            monthly = rs.monthly(cur, selected)
            if filters.reasons or filters.method or selected is not None:
                depts, scope = rs.discount_tickets_by_department(cur, selected), "descontos"
            else:
                depts = rs.tickets_by_department(
                    cur, start=start, end=end, department_id=filters.department_id
                )
                scope = "todos"
            durations = rs.durations(cur, selected)
            handling = rs.handling_times(cur, selected)
            places = rs.top_places(cur, selected, filters.place_by, TOP_PLACES)
            decisions = rs.decisions(cur, selected)
        finally:
            rs.drop_facts(cur)
    months = _month_labels(filters.start, filters.end)
    return ChartsData(
        filters=filters,
        headline=_headline(head, due),
        by_reason=_by_reason(reasons),
        monthly=_monthly(monthly),
        departments=_departments(depts),
        departments_scope=scope,
        durations=_durations(durations),
        handling=_handling(handling),
        places=_places(places),
        decisions=_decisions(decisions),
        months=months,
    )


VIEWS = {
    "pessoas": "Pessoas",
    "valores": "Valores",
    "metodo": "Método de cálculo",
    "incidentes": "Incidentes",
}


@dataclass
class ViewData:
    """One of the views asked for beside the charts; only the chosen one is computed."""

    view: str
    openers: pd.DataFrame = field(default_factory=pd.DataFrame)  # per attendant
    deciders: pd.DataFrame = field(default_factory=pd.DataFrame)  # per finance analyst
    amounts: pd.DataFrame = field(default_factory=pd.DataFrame)  # computed vs approved
    methods: pd.DataFrame = field(default_factory=pd.DataFrame)  # per calculation method
    incidents: list[dict] = field(default_factory=list)  # started in the period, with totals
    incident_months: list[dict] = field(default_factory=list)  # (month, reason, incidents)


def chart_view(
    store: Store, actor: User, filters: Filters, view: str, today: date | None = None
) -> ViewData:
    """People (requests opened per attendant; per finance analyst decided, adjusted, rejected
    and the median time to decide), Amounts (computed vs approved, adjustments, approvals
    above one fee) or Method (the split by calculation method), under the page's filters and
    clicked reason; or Incidents (those that started in the period). Computed on demand, so the
    page keeps its time."""
    require(actor, Perm.VIEW_CHARTS)
    if view not in VIEWS:
        raise DomainError("Visão desconhecida.")
    if filters.method is not None and filters.method not in METHODS:
        raise DomainError("Método de cálculo desconhecido.")
    previous_start, start, end = filters.bounds()
    selected = filters.selected_reason
    out = ViewData(view)
    if view == "incidentes":
        return _incidents_view(store, filters, start, end, out)
    refresh_facts(store)
    with store.read() as cur:
        rs.build_facts(
            cur,
            previous_start=start,  # only the period itself
            start=start,
            end=end,
            reasons=list(filters.reasons),
            department_id=filters.department_id,
            method=filters.method,
        )
        try:
            if view == "pessoas":
                out.openers = _frame(rs.by_opener(cur, selected), ["person", "requests"])
                out.deciders = _deciders(rs.by_decider(cur, selected))
            elif view == "valores":
                out.amounts = _amounts(rs.amounts(cur, selected))
            else:
                out.methods = _methods(rs.by_method(cur, selected))
        finally:
            rs.drop_facts(cur)
    return out


def _incidents_view(
    store: Store, filters: Filters, start: datetime, end: datetime, out: ViewData
) -> ViewData:
    """Incidents that started in the period, under the reason filter (a clicked reason
    narrows it further); department and method do not apply to an incident."""
    chosen = set(filters.reasons) or set(INCIDENT_REASONS)
    if filters.selected_reason is not None:
        chosen &= {filters.selected_reason}
    reasons = sorted(chosen & set(INCIDENT_REASONS))
    if not reasons:  # e.g. only reasons 1-2 chosen: no incident can match
        return out
    with store.read() as cur:
        out.incidents = inc.list_incidents(
            cur, 10_000, started_from=start, started_before=end, reasons=reasons
        )
        out.incident_months = inc.monthly_stats(
            cur, started_from=start, started_before=end, reasons=reasons
        )
    return out


def refresh_facts(store: Store) -> int:
    """Re-derive the report rows of the tickets changed since the last refresh (all of them
    the first time). Two sessions refreshing at once conflict; the loser's work was done by
    the winner, so it goes on reading."""
    try:
        with store.transaction() as cur:
            return rs.refresh(cur)
    except StaleState:
        return 0


# --- shaping the rows into what the charts draw -------------------------------------------


def reason_label(code: int) -> str:
    return REASONS[int(code)].label


def _month_labels(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(fmt.month(date(y, m, 1)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _headline(rows: list[dict], due: dict) -> list[Figure]:
    by = {bool(r["is_current"]): r for r in rows}
    cur, prev = by.get(True, {}), by.get(False, {})

    def get(row: dict, key: str, default=None):
        return row.get(key, default) if row else default

    def rate(row: dict) -> float | None:
        decided = get(row, "decided", 0)
        return get(row, "approved", 0) / decided if decided else None

    def minutes(row: dict, key: str) -> float | None:
        seconds = get(row, key)
        return None if seconds is None else float(seconds) / 60

    def money(row: dict) -> Decimal:
        return Decimal(get(row, "approved_total", 0) or 0).quantize(Decimal("0.01"))

    past = int(due.get("past_deadline") or 0)
    near = int(due.get("near_deadline") or 0)
    today_note = (
        "Situação de hoje: conta todos os pedidos em aberto (aguardando o retorno do sinal, "
        "pendentes ou aprovados sem aplicar), de qualquer período; os filtros de motivo, "
        "departamento e método valem."
    )
    return [
        Figure("approved_total", "Total aprovado", "money", money(cur), money(prev)),
        Figure(
            "requests",
            "Pedidos de desconto",
            "count",
            int(get(cur, "requests", 0)),
            int(get(prev, "requests", 0)),
        ),
        Figure("approval_rate", "Taxa de aprovação", "percent", rate(cur), rate(prev)),
        Figure(
            "assume_minutes",
            "Mediana até assumir",
            "duration",
            minutes(cur, "assume_seconds"),
            minutes(prev, "assume_seconds"),
            lower_is_better=True,
        ),
        Figure(
            "apply_minutes",
            "Mediana até aplicar",
            "duration",
            minutes(cur, "apply_seconds"),
            minutes(prev, "apply_seconds"),
            lower_is_better=True,
        ),
        Figure(
            "deadline_risk",
            "Prazo em risco",
            "count",
            past + near,
            None,
            lower_is_better=True,
            description=f"Pedidos abertos com o prazo de ressarcimento vencido ou a até "
            f"{NEAR_DEADLINE_DAYS} dias. {today_note}",
            today=True,
        ),
        Figure(
            "past_deadline",
            "Prazo vencido",
            "count",
            past,
            None,
            lower_is_better=True,
            description=f"Pedidos abertos com o prazo de ressarcimento vencido. {today_note}",
            today=True,
        ),
    ]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _by_reason(rows: list[dict]) -> pd.DataFrame:
    found = {r["reason"]: r for r in rows}
    out = [
        {
            "reason": code,
            "reason_label": info.label,
            "requests": int(found.get(code, {}).get("requests", 0)),
            "approved_total": float(found.get(code, {}).get("approved_total", 0)),
        }
        for code, info in REASONS.items()
    ]
    return _frame(out, ["reason", "reason_label", "requests", "approved_total"])


def _monthly(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "month": fmt.month(r["month"]),
            "month_start": r["month"].isoformat(),
            "reason": r["reason"],
            "reason_label": reason_label(r["reason"]),
            "requests": int(r["requests"]),
            "approved_total": float(r["approved_total"]),
        }
        for r in rows
    ]
    return _frame(
        out, ["month", "month_start", "reason", "reason_label", "requests", "approved_total"]
    )


def _departments(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "department": r["department"],
            "status": r["status"],
            "status_label": STATUS_LABELS[Status(r["status"])],
            "tickets": int(r["tickets"]),
        }
        for r in rows
    ]
    return _frame(out, ["department", "status", "status_label", "tickets"])


def _durations(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "reason": r["reason"],
            "reason_label": reason_label(r["reason"]),
            "requests": int(r["requests"]),
            # minutes -> hours, which is how the chart's axis reads
            **{k: round(float(r[k]) / 60, 2) for k in ("p05", "p25", "p50", "p75", "p95")},
        }
        for r in rows
    ]
    return _frame(out, ["reason", "reason_label", "requests", "p05", "p25", "p50", "p75", "p95"])


def _handling(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "month": fmt.month(r["month"]),
            "month_start": r["month"].isoformat(),
            "measure": MEASURE_LABELS[r["measure"]],
            "n": int(r["n"]),
            "p50_hours": round(float(r["p50"]), 2),
            "p90_hours": round(float(r["p90"]), 2),
        }
        for r in rows
    ]
    return _frame(out, ["month", "month_start", "measure", "n", "p50_hours", "p90_hours"])


def _places(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "place": r["place"],
            "customers": int(r["customers"]),
            "requests": int(r["requests"]),
            "approved_total": float(r["approved_total"]),
        }
        for r in rows
    ]
    return _frame(out, ["place", "customers", "requests", "approved_total"])


def _decisions(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "reason": r["reason"],
            "reason_label": reason_label(r["reason"]),
            "decision": r["decision"],
            "decision_label": DECISION_LABELS[Decision(r["decision"])],
            "requests": int(r["requests"]),
        }
        for r in rows
    ]
    return _frame(out, ["reason", "reason_label", "decision", "decision_label", "requests"])


def _deciders(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "person": r["person"],
            "decided": int(r["decided"]),
            "adjusted": int(r["adjusted"]),
            "rejected": int(r["rejected"]),
            "decide_hours": None
            if r["decide_s"] is None
            else round(float(r["decide_s"]) / 3600, 2),
        }
        for r in rows
    ]
    return _frame(out, ["person", "decided", "adjusted", "rejected", "decide_hours"])


def _amounts(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "reason": r["reason"],
            "reason_label": reason_label(r["reason"]),
            "approved": int(r["approved"]),
            "computed_total": float(r["computed_total"]),
            "approved_total": float(r["approved_total"]),
            "adjusted": int(r["adjusted"]),
            "over_fee": int(r["over_fee"]),
        }
        for r in rows
    ]
    return _frame(
        out,
        [
            "reason",
            "reason_label",
            "approved",
            "computed_total",
            "approved_total",
            "adjusted",
            "over_fee",
        ],
    )


def _methods(rows: list[dict]) -> pd.DataFrame:
    out = [
        {
            "method": r["method"],
            "method_label": METHODS[r["method"]].label if r["method"] in METHODS else r["method"],
            "requests": int(r["requests"]),
            "approved_total": float(r["approved_total"]),
        }
        for r in rows
    ]
    return _frame(out, ["method", "method_label", "requests", "approved_total"])
