"""SQL for billing batches: the approved discounts not yet sent, the batches, their items and
the discounts out in billing now (billing_pending: one row per discount, its primary key is
what keeps a discount out of two batches)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from lib.domain import StaleState
from lib.store import Cursor, one, rows, scalar


def approved_not_sent(cur: Cursor) -> list[dict]:
    """Approved discounts whose ticket is in progress and which are not out in billing, with
    what a batch needs: the contract (its IXC id), the due day, the amounts and the period, and
    the last refusal by billing, if any."""
    return rows(
        cur,
        """SELECT dr.ticket_id, t.protocol, t.status, dr.decision, dr.contract_id,
                  ct.ixc_id AS contract_ixc_id, ct.due_day, c.name AS customer,
                  dr.computed_amount, dr.approved_amount, dr.opened_at,
                  dr.incident_started_at, dr.signal_returned_at, dr.decided_at,
                  (SELECT arg_max(i.outcome_reason, i.outcome_at) FROM billing_batch_item i
                    WHERE i.ticket_id = dr.ticket_id AND i.outcome = 'recusado') AS last_refusal
           FROM discount_request dr
           JOIN ticket t ON t.id = dr.ticket_id
           JOIN contract ct ON ct.id = dr.contract_id
           LEFT JOIN customer c ON c.id = t.customer_id
           WHERE dr.decision = 'aprovado' AND t.status = 'EP'
             AND NOT EXISTS (SELECT 1 FROM billing_pending p WHERE p.ticket_id = dr.ticket_id)
           ORDER BY dr.decided_at, dr.ticket_id""",
    )


def batch_by_key(cur: Cursor, key: str) -> int | None:
    return scalar(cur, "SELECT id FROM billing_batch WHERE idempotency_key = ?", [key])


def insert_batch(
    cur: Cursor, *, start: date, end: date, at: datetime, by: int, key: str | None
) -> int:
    try:
        return int(
            scalar(
                cur,
                "INSERT INTO billing_batch (period_start, period_end, created_at, created_by, "
                "idempotency_key) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [start, end, at, by, key],
            )
        )
    except duckdb.ConstraintException as exc:  # the same click, still being saved
        raise StaleState(
            "Este lote já está sendo criado pelo mesmo clique. Recarregue a página."
        ) from exc


def claim(cur: Cursor, ticket_id: int, batch_id: int) -> bool:
    """Mark the discount as out in billing in this batch; False when another batch has it,
    committed before this transaction began (ON CONFLICT) or after it (DuckDB then raises a
    constraint error at once, or a conflict at commit, which Store.transaction reports as a
    stale screen). After False the caller must give up the transaction."""
    try:
        done = cur.execute(
            "INSERT INTO billing_pending (ticket_id, batch_id) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING RETURNING ticket_id",
            [ticket_id, batch_id],
        ).fetchall()
    except duckdb.ConstraintException:
        return False
    return bool(done)


def release(cur: Cursor, ticket_id: int, batch_id: int) -> None:
    cur.execute(
        "DELETE FROM billing_pending WHERE ticket_id = ? AND batch_id = ?", [ticket_id, batch_id]
    )


def insert_item(cur: Cursor, values: dict[str, Any]) -> None:
    cols = list(values)
    cur.execute(
        f"INSERT INTO billing_batch_item ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [values[c] for c in cols],
    )


def get_batch(cur: Cursor, batch_id: int) -> dict | None:
    return one(
        cur,
        """SELECT b.*, s.name AS created_by_name, z.name AS closed_by_name
           FROM billing_batch b LEFT JOIN staff s ON s.id = b.created_by
           LEFT JOIN staff z ON z.id = b.closed_by WHERE b.id = ?""",
        [batch_id],
    )


def items(cur: Cursor, batch_id: int) -> list[dict]:
    return rows(
        cur,
        """SELECT i.*, t.protocol, t.status, c.name AS customer, dr.decision,
                  dr.computed_amount, dr.approved_amount
           FROM billing_batch_item i
           JOIN ticket t ON t.id = i.ticket_id
           JOIN discount_request dr ON dr.ticket_id = i.ticket_id
           LEFT JOIN customer c ON c.id = t.customer_id
           WHERE i.batch_id = ? ORDER BY i.ticket_id""",
        [batch_id],
    )


def set_outcome(cur: Cursor, batch_id: int, ticket_id: int, changes: dict[str, Any]) -> bool:
    """Record an item's outcome, only while it is still 'enviado' (False otherwise)."""
    sets = ", ".join(f"{c} = ?" for c in changes)
    done = cur.execute(
        f"UPDATE billing_batch_item SET {sets} WHERE batch_id = ? AND ticket_id = ? "
        "AND outcome = 'enviado' RETURNING ticket_id",
        [*changes.values(), batch_id, ticket_id],
    ).fetchall()
    return bool(done)


def close_if_done(cur: Cursor, batch_id: int, at: datetime, by: int) -> bool:
    left = scalar(
        cur,
        "SELECT count(*) FROM billing_batch_item WHERE batch_id = ? AND outcome = 'enviado'",
        [batch_id],
    )
    if left:
        return False
    cur.execute(
        "UPDATE billing_batch SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
        [at, by, batch_id],
    )
    return True


def mark_pushed(cur: Cursor, batch_id: int, at: datetime | None) -> None:
    cur.execute("UPDATE billing_batch SET pushed_at = ? WHERE id = ?", [at, batch_id])


def batches(cur: Cursor, limit: int = 100) -> list[dict]:
    """Batches, newest first, with their totals: how many discounts, and the computed,
    approved, sent, applied and refused amounts."""
    return rows(
        cur,
        """SELECT b.id, b.period_start, b.period_end, b.created_at, b.closed_at, b.pushed_at,
                  s.name AS created_by_name,
                  count(i.ticket_id) AS requested,
                  coalesce(sum(dr.computed_amount), 0) AS computed,
                  coalesce(sum(dr.approved_amount), 0) AS approved,
                  coalesce(sum(i.amount), 0) AS sent,
                  coalesce(sum(i.amount) FILTER (WHERE i.outcome = 'aplicado'), 0) AS applied,
                  coalesce(sum(i.amount) FILTER (WHERE i.outcome = 'recusado'), 0) AS refused,
                  count(*) FILTER (WHERE i.outcome = 'enviado') AS open_items
           FROM billing_batch b
           LEFT JOIN staff s ON s.id = b.created_by
           LEFT JOIN billing_batch_item i ON i.batch_id = b.id
           LEFT JOIN discount_request dr ON dr.ticket_id = i.ticket_id
           GROUP BY ALL ORDER BY b.id DESC LIMIT ?""",
        [limit],
    )


def zero() -> Decimal:
    return Decimal("0.00")


def pending_batch(cur: Cursor, ticket_id: int) -> int | None:
    """The batch the discount is out in billing with, if any."""
    return scalar(cur, "SELECT batch_id FROM billing_pending WHERE ticket_id = ?", [ticket_id])
