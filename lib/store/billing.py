"""SQL for billing batches: the approved discounts not yet sent, the batches, their items and
the discounts out in billing now (billing_pending: one row per discount, its primary key is
what keeps a discount out of two batches)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lib.domain import StaleState
from lib.store import ConstraintError, Cursor, one, rows, scalar

# the newest refusal's reason (ORDER BY … LIMIT 1: arg_max is DuckDB's)
_LAST_REFUSAL = """(SELECT i.outcome_reason FROM billing_batch_item i
                    WHERE i.ticket_id = dr.ticket_id AND i.outcome = 'recusado'
                    ORDER BY i.outcome_at DESC LIMIT 1)"""


def _days(due_days: list[int] | None) -> str:
    """The contracts' due days a period targets, as a SQL condition (integers only)."""
    if due_days is None:
        return "TRUE"
    return f"ct.due_day IN ({', '.join(str(int(d)) for d in due_days)})" if due_days else "FALSE"


# The candidates of a batch: approved, ticket in progress, not out in billing; the contract's
# due day decides which period's invoice it goes on. Its plan at 10M tickets: one scan of
# discount_request filtered on decision (about 50k of 1.5M rows), joined by hash with the
# tickets in progress and the contracts (bench.suite: "billing" rows).
_CANDIDATES = """FROM discount_request dr
           JOIN ticket t ON t.id = dr.ticket_id
           JOIN contract ct ON ct.id = dr.contract_id{join}
           WHERE dr.decision = 'aprovado' AND t.status = 'EP' AND {days}
             AND NOT EXISTS (SELECT 1 FROM billing_pending p WHERE p.ticket_id = dr.ticket_id)"""


_CUSTOMER = "\n           LEFT JOIN customer c ON c.id = t.customer_id"


def approved_not_sent(
    cur: Cursor, due_days: list[int] | None = None, ticket_ids: list[int] | None = None
) -> list[dict]:
    """Approved discounts whose ticket is in progress and which are not out in billing, with
    what a batch needs: the contract (its IXC id), the due day, the amounts and the period, and
    the last refusal by billing, if any. `due_days`: only contracts due on those days;
    `ticket_ids`: only those tickets (the ones a screen showed)."""
    ids = ""
    params: list[Any] = []
    if ticket_ids is not None:
        ids = " AND dr.ticket_id = ANY(?)"
        params.append([int(i) for i in ticket_ids])
    return rows(
        cur,
        f"""SELECT dr.ticket_id, t.protocol, t.status, dr.decision, dr.contract_id,
                  ct.ixc_id AS contract_ixc_id, ct.due_day, c.name AS customer,
                  dr.computed_amount, dr.approved_amount, dr.opened_at,
                  dr.incident_started_at, dr.signal_returned_at, dr.decided_at,
                  {_LAST_REFUSAL} AS last_refusal
           {_CANDIDATES.format(days=_days(due_days), join=_CUSTOMER)}{ids}
           ORDER BY dr.decided_at, dr.ticket_id""",
        params,
    )


# At most this many tickets changed since the charts' table was refreshed are checked one by
# one (by primary key, below DuckDB's index_scan_max_count of 2048); more, and the period is
# read from the live tables.
MAX_UNREFRESHED = 1000


def _unrefreshed(cur: Cursor) -> list[int] | None:
    """The tickets whose row in report_discount (the charts' table, migration 030) may be out
    of date in this transaction's snapshot, or None when that table was never built.

    report_discount holds each discount's decision and ticket status as of the last
    `lib.store.reports.refresh`. Every store write to a ticket or a discount request appends
    the ticket's id to report_change in the same transaction (lib/store/tickets.py), and the
    refresh deletes exactly the log rows it re-derived, in its own transaction; rows written
    around the store's functions (bulk loads) carry an updated_at at or past the watermark.
    So in any snapshot, a ticket not named here has its current decision and status in
    report_discount: this list is what invalidates it, row by row."""
    state, logged = cur.execute(
        """SELECT (SELECT watermark FROM report_state WHERE name = 'discount'),
                  (SELECT array_agg(DISTINCT ticket_id) FROM report_change)"""
    ).fetchall()[0]
    if state is None:
        return None
    ids = {int(i) for i in logged or []}
    # a constant bound: DuckDB skips the row groups whose updated_at is all older
    ids |= {
        int(r[0])
        for r in cur.execute("SELECT id FROM ticket WHERE updated_at >= ?", [state]).fetchall()
    }
    return sorted(ids)


def _in_progress(cur: Cursor) -> str:
    """SQL condition on `dr` (a discount request whose decision is checked live as
    'aprovado'): its ticket is in progress, in this snapshot. From report_discount without
    scanning `ticket` (10M rows): an approved discount unchanged since the refresh has its
    current status there, and approved tickets not in progress are few (set pending, sent to
    another department), so the condition is "not one of those", an anti-join on a small
    set; the tickets changed since the refresh are checked live by id. From the live tables
    when report_discount was never built, or too much changed since."""
    changed = _unrefreshed(cur)
    if changed is None or len(changed) > MAX_UNREFRESHED:
        return "dr.ticket_id IN (SELECT t.id FROM ticket t WHERE t.status = 'EP')"
    others = """dr.ticket_id NOT IN (SELECT ticket_id FROM report_discount
                                       WHERE decision = 'aprovado' AND status <> 'EP')"""
    # never empty in practice: the latest ticket's updated_at is the watermark itself
    listed = ", ".join(str(int(i)) for i in changed) or "NULL"  # integers from the store
    return f"""(({others} AND dr.ticket_id NOT IN ({listed}))
                OR dr.ticket_id IN (SELECT t.id FROM ticket t
                                    WHERE t.id IN ({listed}) AND t.status = 'EP'))"""


def candidate_view(cur: Cursor, due_days: list[int], limit: int, offset: int) -> dict:
    """The candidates of the due days (the same set as approved_not_sent), in one pass:
    `summary`, per due day how many, the approved and computed totals and how many billing
    refused before; `page`, the ids of rows offset+1..offset+limit in the batch's order
    (oldest decision first). Run it in a transaction: _unrefreshed must see its snapshot."""
    found = cur.execute(
        f"""WITH cand AS MATERIALIZED (
                SELECT dr.ticket_id, dr.decided_at, ct.due_day, dr.approved_amount,
                       dr.computed_amount
                FROM discount_request dr JOIN contract ct ON ct.id = dr.contract_id
                WHERE dr.decision = 'aprovado' AND {_days(due_days)}
                  AND {_in_progress(cur)}
                  AND NOT EXISTS (SELECT 1 FROM billing_pending p
                                  WHERE p.ticket_id = dr.ticket_id))
            , per_day AS (
                SELECT due_day, count(*) AS n, coalesce(sum(approved_amount), 0) AS approved,
                       coalesce(sum(computed_amount), 0) AS computed,
                       count(*) FILTER (WHERE ticket_id IN (SELECT i.ticket_id
                           FROM billing_batch_item i WHERE i.outcome = 'recusado'))
                         AS refused_before
                FROM cand GROUP BY due_day)
            -- one array per column (array_agg: both engines; a list of structs is DuckDB's)
            SELECT
              (SELECT array_agg(due_day ORDER BY due_day) FROM per_day),
              (SELECT array_agg(n ORDER BY due_day) FROM per_day),
              (SELECT array_agg(approved ORDER BY due_day) FROM per_day),
              (SELECT array_agg(computed ORDER BY due_day) FROM per_day),
              (SELECT array_agg(refused_before ORDER BY due_day) FROM per_day),
              (SELECT array_agg(ticket_id ORDER BY decided_at, ticket_id)
               FROM (SELECT ticket_id, decided_at FROM cand
                     ORDER BY decided_at, ticket_id LIMIT ? OFFSET ?) AS page)""",
        [int(limit), int(offset)],
    ).fetchall()[0]
    names = ("due_day", "n", "approved", "computed", "refused_before")
    summary = [
        dict(zip(names, values, strict=True))
        for values in zip(*(c or [] for c in found[:5]), strict=True)
    ]
    return {"summary": summary, "page": list(found[5] or [])}


def candidate_page(cur: Cursor, ids: list[int]) -> list[dict]:
    """The columns of approved_not_sent for a page of ticket ids, in that order, read by
    primary key (IN lists of constants: DuckDB probes the indexes instead of scanning the
    large tables): the discounts with their tickets, their contracts, their customers."""
    if not ids:
        return []
    listed = ", ".join(str(int(i)) for i in ids)  # integers from the store
    found = rows(
        cur,
        f"""SELECT dr.ticket_id, dr.decision, dr.contract_id, dr.computed_amount,
                   dr.approved_amount, dr.opened_at, dr.incident_started_at,
                   dr.signal_returned_at, dr.decided_at, t.protocol, t.status, t.customer_id,
                   {_LAST_REFUSAL} AS last_refusal
            FROM (SELECT * FROM discount_request WHERE ticket_id IN ({listed})) dr
            JOIN (SELECT id, protocol, status, customer_id FROM ticket WHERE id IN ({listed})) t
              ON t.id = dr.ticket_id""",
    )
    contracts = ", ".join(str(int(r["contract_id"])) for r in found) or "NULL"
    customers = (
        ", ".join(str(int(r["customer_id"])) for r in found if r["customer_id"] is not None)
        or "NULL"
    )
    contract = {
        r[0]: r[1:]
        for r in cur.execute(
            f"SELECT id, ixc_id, due_day FROM contract WHERE id IN ({contracts})"
        ).fetchall()
    }
    name = dict(cur.execute(f"SELECT id, name FROM customer WHERE id IN ({customers})").fetchall())
    by_id = {r["ticket_id"]: r for r in found}
    out = []
    for i in ids:
        r = by_id.get(i)
        if r is None:
            continue
        ixc_id, due_day = contract[r["contract_id"]]
        out.append(
            {
                **r,
                "contract_ixc_id": ixc_id,
                "due_day": due_day,
                "customer": name.get(r["customer_id"]),
            }
        )
    return out


def outcome_summary(cur: Cursor, start: date, end: date) -> list[dict]:
    """The discounts already sent for invoices due in [start, end], per outcome: how many and
    how much (the items of every batch)."""
    return rows(
        cur,
        """SELECT outcome, count(*) AS n, coalesce(sum(amount), 0) AS amount
           FROM billing_batch_item WHERE target_due_date BETWEEN ? AND ?
           GROUP BY outcome""",
        [start, end],
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
    except ConstraintError as exc:  # the same click, still being saved
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
    except ConstraintError:
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
           GROUP BY b.id, b.period_start, b.period_end, b.created_at, b.closed_at,
                    b.pushed_at, s.name
           ORDER BY b.id DESC LIMIT ?""",
        [limit],
    )


def pending_batch(cur: Cursor, ticket_id: int) -> int | None:
    """The batch the discount is out in billing with, if any."""
    return scalar(cur, "SELECT batch_id FROM billing_pending WHERE ticket_id = ?", [ticket_id])
