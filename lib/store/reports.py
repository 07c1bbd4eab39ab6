"""Aggregations for the supervisor's charts page.

Every query returns only the rows a chart draws; nothing here loads a whole table into Python.
The charts read `report_discount` (migration 030), one row per discount request with the
ticket fields they need, kept up to date by `refresh` (only the tickets changed since the last
refresh are re-derived), so a page rerun joins nothing large: `build_facts` defines a
cursor-local view of the filtered rows and each chart aggregates it.

"Time to assume" uses ticket.assumed_at, which the `assume` use-case sets once, at the first
'assumir' movement, so it equals that movement's time without scanning the movement table.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from lib.store import Cursor, dialect, rows

FACTS = "report_facts"

# Decisions that count as approved, and the ones that count as decided.
APPROVED = ("aprovado", "aplicado")
DECIDED = ("aprovado", "aplicado", "reprovado")
OPEN_DECISIONS = ("aguardando_retorno", "pendente", "aprovado")

# Month of opening in São Paulo, from a fixed UTC-3 offset: Brazil has had no daylight saving
# since 2019, and plain arithmetic is ~5x faster than an ICU time-zone conversion per row.
SAO_PAULO_OFFSET_US = -3 * 3600 * 1_000_000

_CODE = re.compile(r"^[a-z0-9_]{1,40}$")

PLACE_COLUMNS = {"neighbourhood": "neighbourhood", "cto_box": "cto_box"}


_FACT_COLUMNS = (
    "ticket_id, opened_at, month, reason, decision, method, minutes, approved_amount, deadline,"
    " department_id, status, customer_id, login_id, assume_s, apply_s, opened_by, decided_by,"
    " decide_s, computed_amount, monthly_fee"
)
_FACT_SELECT = f"""
    SELECT d.ticket_id, d.opened_at,
           CAST(date_trunc('month', make_timestamp(epoch_us(d.opened_at) + {SAO_PAULO_OFFSET_US}))
                AS DATE) AS month,
           d.reason, d.decision, d.method, d.minutes, d.approved_amount, d.deadline,
           t.department_id, t.status, t.customer_id, t.login_id,
           (epoch_us(t.assumed_at) - epoch_us(t.opened_at)) / 1e6 AS assume_s,
           (epoch_us(d.applied_at) - epoch_us(t.opened_at)) / 1e6 AS apply_s,
           t.opened_by, d.decided_by,
           (epoch_us(d.decided_at) - epoch_us(t.opened_at)) / 1e6 AS decide_s,
           d.computed_amount, d.monthly_fee
    FROM discount_request d JOIN ticket t ON t.id = d.ticket_id
"""
_FACT_INSERT = f"INSERT INTO report_discount ({_FACT_COLUMNS}) {_FACT_SELECT}"


def log_change(cur: Cursor, ticket_id: int) -> None:
    """Record that a ticket or its discount request changed, in the writer's own transaction:
    the next `refresh` re-derives it, however late this transaction commits."""
    cur.execute("INSERT INTO report_change (ticket_id) VALUES (?)", [int(ticket_id)])


def refresh(cur: Cursor) -> int:
    """Bring report_discount up to date; returns how many tickets were re-derived.

    Every write to a ticket or a discount request goes through lib/store/tickets.py, which
    appends the ticket's id to report_change in the same transaction. This transaction sees
    the log as of its start, re-derives those tickets from the same snapshot (a logged change
    is visible with its log row: they committed together) and deletes exactly the rows it saw
    (MVCC: rows committed meanwhile are invisible to the DELETE and wait for the next refresh).
    Two refreshes at once conflict on those rows and one rolls back.

    Rows written around the store's functions (bulk loads) are caught by the old watermark on
    ticket.updated_at, kept as a second net; with no watermark yet everything is rebuilt.
    Cheap when nothing changed: a count of the (small) log and one max() over a column DuckDB
    keeps min/max statistics for. Run it inside a transaction."""
    state = cur.execute("SELECT watermark FROM report_state WHERE name = 'discount'").fetchall()
    watermark = state[0][0] if state else None
    latest = cur.execute("SELECT max(updated_at) FROM ticket").fetchall()[0][0]
    pending = int(cur.execute("SELECT count(*) FROM report_change").fetchall()[0][0])
    moved = latest is not None and (watermark is None or latest > watermark)
    if not pending and not moved:
        return 0
    if watermark is None:
        cur.execute("DELETE FROM report_discount")
        cur.execute(f"{_FACT_INSERT} ORDER BY d.opened_at")
        changed = int(cur.execute("SELECT count(*) FROM report_discount").fetchall()[0][0])
    else:
        by_time = "UNION SELECT id FROM ticket WHERE updated_at >= $w" if moved else ""
        cur.execute(
            # dropped below, before the commit (a rollback drops it too): plain CREATE, which
            # both engines read (CREATE OR REPLACE TEMP TABLE is DuckDB's)
            "CREATE TEMP TABLE report_changed AS "
            f"SELECT ticket_id AS id FROM report_change {by_time}",
            {"w": watermark} if moved else {},
        )
        cur.execute(
            "DELETE FROM report_discount WHERE ticket_id IN (SELECT id FROM report_changed)"
        )
        cur.execute(f"{_FACT_INSERT} WHERE t.id IN (SELECT id FROM report_changed)")
        changed = int(cur.execute("SELECT count(*) FROM report_changed").fetchall()[0][0])
        cur.execute("DROP TABLE report_changed")
    if pending:
        cur.execute("DELETE FROM report_change")  # only the rows this snapshot saw
    if moved:
        cur.execute(
            "INSERT INTO report_state (name, watermark) VALUES ('discount', $w) "
            "ON CONFLICT (name) DO UPDATE SET watermark = excluded.watermark",
            {"w": latest},
        )
    return changed


def _literal(value: Any) -> str:
    """A SQL literal for the view below (views take no parameters). Only the types the
    filters use; strings must be plain identifiers (method codes)."""
    if isinstance(value, datetime):
        return f"TIMESTAMPTZ '{value.isoformat()}'"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str) and _CODE.match(value):
        return f"'{value}'"
    raise ValueError(f"filtro inválido: {value!r}")


def build_facts(
    cur: Cursor,
    *,
    previous_start: datetime,
    start: datetime,
    end: datetime,
    reasons: list[int] | None,
    department_id: int | None,
    method: str | None,
) -> None:
    """Define, on this cursor only (a TEMP view: a cursor is its own connection), the discount
    requests opened in [previous_start, end) that match the filters; `is_current` marks those
    opened in [start, end). A request belongs to the period of its "Hora da abertura do
    chamado" (discount_request.opened_at). The view reads report_discount, whose rows are in
    opening order, so DuckDB skips the row groups outside the period."""
    where = [
        f"opened_at >= {_literal(previous_start)}",
        f"opened_at < {_literal(end)}",
    ]
    if reasons:
        where.append(f"reason IN ({', '.join(_literal(int(r)) for r in reasons)})")
    if department_id is not None:
        where.append(f"department_id = {_literal(int(department_id))}")
    if method:
        where.append(f"method = {_literal(method)}")
    cur.execute(
        f"""CREATE OR REPLACE TEMP VIEW {FACTS} AS
            SELECT *, opened_at >= {_literal(start)} AS is_current
            FROM report_discount WHERE {" AND ".join(where)}"""
    )


def drop_facts(cur: Cursor) -> None:
    cur.execute(f"DROP VIEW IF EXISTS {FACTS}")


def _selected(reason: int | None) -> tuple[str, dict[str, Any]]:
    if reason is None:
        return "", {}
    return " AND reason = $selected", {"selected": int(reason)}


def headline(cur: Cursor, selected: int | None) -> list[dict]:
    """One row per period (is_current false/true): the headline figures. Money stays DECIMAL."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""SELECT is_current,
                   count(*) AS requests,
                   coalesce(sum(approved_amount) FILTER (WHERE decision IN {APPROVED}), 0)
                       AS approved_total,
                   count(*) FILTER (WHERE decision IN {APPROVED}) AS approved,
                   count(*) FILTER (WHERE decision IN {DECIDED}) AS decided,
                   {dialect.median(cur, "assume_s")} AS assume_seconds,
                   {dialect.median(cur, "apply_s")} AS apply_seconds
            FROM {FACTS} WHERE TRUE{extra}
            GROUP BY is_current""",
        params,
    )


def deadlines(
    cur: Cursor,
    *,
    reasons: list[int] | None,
    department_id: int | None,
    method: str | None,
    selected: int | None,
    today: date,
    near_days: int,
) -> dict:
    """The open requests (waiting for the signal, pending, approved not applied) whose deadline
    has passed, and those due within `near_days`: a state of today, so every open request
    counts, whenever it was opened; the other filters apply."""
    where = [f"decision IN {OPEN_DECISIONS}", "deadline <= $today + $near_days::INTEGER"]
    params: dict[str, Any] = {"today": today, "near_days": int(near_days)}
    if reasons:
        where.append(f"reason IN ({', '.join(_literal(int(r)) for r in reasons)})")
    if department_id is not None:
        where.append("department_id = $department_id")
        params["department_id"] = int(department_id)
    if method:
        where.append("method = $method")
        params["method"] = method
    if selected is not None:
        where.append("reason = $selected")
        params["selected"] = int(selected)
    found = rows(
        cur,
        f"""SELECT count(*) FILTER (WHERE deadline < $today) AS past_deadline,
                   count(*) FILTER (WHERE deadline >= $today) AS near_deadline
            FROM report_discount WHERE {" AND ".join(where)}""",
        params,
    )
    return found[0]


def by_reason(cur: Cursor) -> list[dict]:
    """Count and approved R$ per reason in the chosen period (never cross-filtered: it is the
    chart the selection is made on)."""
    return rows(
        cur,
        f"""SELECT reason, count(*) AS requests,
                   coalesce(sum(approved_amount) FILTER (WHERE decision IN {APPROVED}), 0)
                       AS approved_total
            FROM {FACTS} WHERE is_current GROUP BY reason ORDER BY reason""",
    )


def monthly(cur: Cursor, selected: int | None) -> list[dict]:
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""SELECT month, reason,
                   count(*) AS requests,
                   coalesce(sum(approved_amount) FILTER (WHERE decision IN {APPROVED}), 0)
                       AS approved_total
            FROM {FACTS} WHERE is_current{extra}
            GROUP BY month, reason ORDER BY month, reason""",
        params,
    )


def durations(cur: Cursor, selected: int | None) -> list[dict]:
    """Outage minutes per reason as box-plot statistics (5th, 25th, 50th, 75th, 95th pct)."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""WITH q AS (
                SELECT reason, count(*) AS requests,
                       {dialect.quantiles(cur, "minutes", (0.05, 0.25, 0.5, 0.75, 0.95))} AS p
                FROM {FACTS} WHERE is_current AND minutes IS NOT NULL{extra}
                GROUP BY reason)
            SELECT reason, requests, p[1] AS p05, p[2] AS p25, p[3] AS p50, p[4] AS p75,
                   p[5] AS p95
            FROM q ORDER BY reason""",
        params,
    )


def handling_times(cur: Cursor, selected: int | None) -> list[dict]:
    """Per month of opening: median and 90th percentile, in hours, of opening -> assumed and
    opening -> applied."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""WITH f AS (
                SELECT month, assume_s / 3600.0 AS assume_h, apply_s / 3600.0 AS apply_h
                FROM {FACTS} WHERE is_current{extra})
            , q AS (
                SELECT month, 'assumir' AS measure, count(assume_h) AS n,
                       {dialect.quantiles(cur, "assume_h", (0.5, 0.9))} AS p
                FROM f WHERE assume_h IS NOT NULL GROUP BY month
                UNION ALL
                SELECT month, 'aplicar', count(apply_h),
                       {dialect.quantiles(cur, "apply_h", (0.5, 0.9))}
                FROM f WHERE apply_h IS NOT NULL GROUP BY month)
            SELECT month, measure, n, p[1] AS p50, p[2] AS p90 FROM q
            ORDER BY month, measure""",
        params,
    )


def top_places(cur: Cursor, selected: int | None, by: str, limit: int) -> list[dict]:
    """The neighbourhoods or CTO boxes (of the discount ticket's login) with the most distinct
    discounted customers."""
    column = PLACE_COLUMNS[by]  # whitelisted identifier
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""SELECT coalesce(l.{column}, '(sem informação)') AS place,
                   count(DISTINCT f.customer_id) AS customers, count(*) AS requests,
                   coalesce(sum(f.approved_amount) FILTER (WHERE f.decision IN {APPROVED}), 0)
                       AS approved_total
            FROM {FACTS} f LEFT JOIN login l ON l.id = f.login_id
            WHERE f.is_current{extra}
            GROUP BY 1 ORDER BY customers DESC, requests DESC, place LIMIT $limit""",
        {"limit": int(limit), **params},
    )


def decisions(cur: Cursor, selected: int | None) -> list[dict]:
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""SELECT reason, decision, count(*) AS requests
            FROM {FACTS} WHERE is_current{extra}
            GROUP BY reason, decision ORDER BY reason, decision""",
        params,
    )


def tickets_by_department(
    cur: Cursor, *, start: datetime, end: datetime, department_id: int | None
) -> list[dict]:
    """All tickets (any subject) opened in the period, by department and status."""
    where = ["t.opened_at >= $start", "t.opened_at < $end"]
    params: dict[str, Any] = {"start": start, "end": end}
    if department_id is not None:
        where.append("t.department_id = $department_id")
        params["department_id"] = int(department_id)
    return rows(
        cur,
        f"""WITH g AS (SELECT department_id, status, count(*) AS tickets FROM ticket t
                       WHERE {" AND ".join(where)} GROUP BY department_id, status)
            SELECT coalesce(dp.name, '?') AS department, g.status, g.tickets
            FROM g LEFT JOIN department dp ON dp.id = g.department_id
            ORDER BY department, g.status""",
        params,
    )


def discount_tickets_by_department(cur: Cursor, selected: int | None) -> list[dict]:
    """The discount tickets of the filtered facts, by department and status."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""WITH g AS (SELECT department_id, status, count(*) AS tickets FROM {FACTS}
                       WHERE is_current{extra} GROUP BY department_id, status)
            SELECT coalesce(dp.name, '?') AS department, g.status, g.tickets
            FROM g LEFT JOIN department dp ON dp.id = g.department_id
            ORDER BY department, g.status""",
        params,
    )


def departments(cur: Cursor) -> list[dict]:
    return rows(cur, "SELECT id, name FROM department ORDER BY name")


def by_opener(cur: Cursor, selected: int | None) -> list[dict]:
    """Requests opened per attendant (the staff who opened the ticket)."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""WITH g AS (SELECT opened_by, count(*) AS requests FROM {FACTS}
                       WHERE is_current{extra} GROUP BY opened_by)
            SELECT coalesce(s.name, '(sem registro)') AS person, g.requests
            FROM g LEFT JOIN staff s ON s.id = g.opened_by
            ORDER BY g.requests DESC, person""",
        params,
    )


def by_decider(cur: Cursor, selected: int | None) -> list[dict]:
    """Per finance analyst: requests decided (approved, applied or rejected), adjusted (approved
    for another amount than computed), rejected, and the median time from opening to decision."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""WITH g AS (
                SELECT decided_by,
                       count(*) AS decided,
                       count(*) FILTER (WHERE decision IN {APPROVED}
                                        AND approved_amount <> computed_amount) AS adjusted,
                       count(*) FILTER (WHERE decision = 'reprovado') AS rejected,
                       {dialect.median(cur, "decide_s")} AS decide_s
                FROM {FACTS}
                WHERE is_current AND decided_by IS NOT NULL AND decision IN {DECIDED}{extra}
                GROUP BY decided_by)
            SELECT coalesce(s.name, '(sem registro)') AS person, g.decided, g.adjusted,
                   g.rejected, g.decide_s
            FROM g LEFT JOIN staff s ON s.id = g.decided_by
            ORDER BY g.decided DESC, person""",
        params,
    )


def amounts(cur: Cursor, selected: int | None) -> list[dict]:
    """Per reason, over the approved (or applied) requests: R$ computed and approved, how many
    were adjusted, and how many were approved above one monthly fee."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""SELECT reason,
                   count(*) AS approved,
                   coalesce(sum(computed_amount), 0) AS computed_total,
                   coalesce(sum(approved_amount), 0) AS approved_total,
                   count(*) FILTER (WHERE approved_amount <> computed_amount) AS adjusted,
                   count(*) FILTER (WHERE approved_amount > monthly_fee) AS over_fee
            FROM {FACTS} WHERE is_current AND decision IN {APPROVED}{extra}
            GROUP BY reason ORDER BY reason""",
        params,
    )


def by_method(cur: Cursor, selected: int | None) -> list[dict]:
    """Requests and approved R$ per calculation method."""
    extra, params = _selected(selected)
    return rows(
        cur,
        f"""SELECT method, count(*) AS requests,
                   coalesce(sum(approved_amount) FILTER (WHERE decision IN {APPROVED}), 0)
                       AS approved_total
            FROM {FACTS} WHERE is_current{extra}
            GROUP BY method ORDER BY requests DESC, method""",
        params,
    )
