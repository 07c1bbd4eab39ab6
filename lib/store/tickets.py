"""Tickets, their movements (history) and discount requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lib.domain import StaleState
from lib.store import ConstraintError, Cursor, one, reports, rows, scalar


class KeyTaken(StaleState):
    """Another transaction saved a ticket with this idempotency key first (a double click, or
    the same form sent from two tabs at once): this transaction is rolled back, and the caller
    returns the ticket that key opened."""


TICKET_FIELDS = (
    "protocol",
    "idempotency_key",
    "customer_id",
    "login_id",
    "contract_id",
    "subject_id",
    "subject_description",
    "address_origin",
    "address",
    "latitude",
    "longitude",
    "process_id",
    "department_id",
    "responsible_id",
    "priority",
    "reserved_date",
    "best_time",
    "origin",
    "canned_response_id",
    "message",
    "pending_interaction",
    "status",
    "complementary_status_id",
    "opened_at",
    "opened_by",
    "updated_at",
)

DISCOUNT_FIELDS = (
    "ticket_id",
    "contract_id",
    "reason",
    "reason_details",
    "description",
    "occurred_on",
    "opened_at",
    "incident_started_at",
    "signal_returned_at",
    "method",
    "monthly_fee",
    "minutes",
    "counted_units",
    "computed_amount",
    "decision",
    "opa_protocol",
    "deadline",
    "confirmation_reason",
    "overlap_override_reason",
    "overlap_override_by",
    "exception_note",
)


def next_protocol_number(cur: Cursor) -> int:
    return int(scalar(cur, "SELECT nextval('seq_protocol')"))


def ticket_id_by_key(cur: Cursor, key: str) -> int | None:
    return scalar(cur, "SELECT id FROM ticket WHERE idempotency_key = ?", [key])


def insert_ticket(cur: Cursor, values: dict[str, Any]) -> int:
    """Insert a ticket and return its id. Callers look the idempotency key up first, in the same
    transaction; a ticket with the same key committed since then raises KeyTaken.

    A plain INSERT, not `ON CONFLICT (idempotency_key) DO NOTHING`: the conflict clause cost
    2.3 ms of every save on the 1M store (3.5 ms against 1.2), to cover a race the key's UNIQUE
    index already refuses (issue 17)."""
    unknown = set(values) - set(TICKET_FIELDS)
    if unknown:
        raise ValueError(f"campos desconhecidos: {sorted(unknown)}")
    cols = list(values)
    try:
        found = cur.execute(
            f"INSERT INTO ticket ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            "RETURNING id",
            [values[c] for c in cols],
        ).fetchall()
    except ConstraintError as exc:
        if "idempotency_key" not in str(exc):
            raise
        # Shown only if the other save then rolled back too (the caller returns the winner
        # otherwise): nothing was saved, so the message says where to look before resending.
        raise KeyTaken(
            "Este atendimento estava sendo salvo ao mesmo tempo em outra aba ou por um clique "
            "repetido. Confira em Atendimentos se ele foi aberto antes de enviar de novo."
        ) from exc
    ticket_id = int(found[0][0])
    reports.log_change(cur, ticket_id)
    return ticket_id


def insert_discount(cur: Cursor, values: dict[str, Any]) -> None:
    """A discount request is inserted only with its ticket, in the transaction that inserted
    the ticket: `insert_ticket` already logged the change (one report_change row a save)."""
    unknown = set(values) - set(DISCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"campos desconhecidos: {sorted(unknown)}")
    cols = list(values)
    cur.execute(
        f"INSERT INTO discount_request ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [values[c] for c in cols],
    )


def insert_movement(
    cur: Cursor,
    *,
    ticket_id: int,
    at: datetime,
    staff_id: int | None,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str = "",
    from_department_id: int | None = None,
    to_department_id: int | None = None,
    customer_visible: bool = False,
    from_decision: str | None = None,
    to_decision: str | None = None,
) -> int:
    """One history entry; a decision action also records the discount decision's from/to."""
    return int(
        scalar(
            cur,
            """INSERT INTO movement (ticket_id, created_at, staff_id, kind, from_status, to_status,
                                     from_department_id, to_department_id, note, customer_visible,
                                     from_decision, to_decision)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [
                ticket_id,
                at,
                staff_id,
                kind,
                from_status,
                to_status,
                from_department_id,
                to_department_id,
                note,
                customer_visible,
                from_decision,
                to_decision,
            ],
        )
    )


_TICKET_SELECT = """
SELECT t.*, s.name AS subject, d.name AS department, c.name AS customer, c.cpf_cnpj,
       r.name AS responsible, o.name AS opened_by_name, l.username AS login,
       p.name AS process, cs.name AS complementary_status, cr.title AS canned_response,
       ct.plan, ct.monthly_fee AS contract_fee, ct.due_day
FROM ticket t
JOIN subject s ON s.id = t.subject_id
JOIN department d ON d.id = t.department_id
LEFT JOIN customer c ON c.id = t.customer_id
LEFT JOIN staff r ON r.id = t.responsible_id
LEFT JOIN staff o ON o.id = t.opened_by
LEFT JOIN login l ON l.id = t.login_id
LEFT JOIN contract ct ON ct.id = t.contract_id
LEFT JOIN process p ON p.id = t.process_id
LEFT JOIN complementary_status cs ON cs.id = t.complementary_status_id
LEFT JOIN canned_response cr ON cr.id = t.canned_response_id
"""


def protocol_of(cur: Cursor, ticket_id: int) -> str | None:
    """The ticket's protocol alone (what a save shows), without the full ticket's joins."""
    return scalar(cur, "SELECT protocol FROM ticket WHERE id = ?", [ticket_id])


def get_ticket(cur: Cursor, ticket_id: int) -> dict | None:
    return one(cur, _TICKET_SELECT + " WHERE t.id = ?", [ticket_id])


def get_ticket_by_protocol(cur: Cursor, protocol: str) -> dict | None:
    return one(cur, _TICKET_SELECT + " WHERE t.protocol = ?", [protocol])


def get_discount(cur: Cursor, ticket_id: int) -> dict | None:
    return one(
        cur,
        """SELECT dr.*, ds.name AS decided_by_name, ap.name AS applied_by_name
           FROM discount_request dr
           LEFT JOIN staff ds ON ds.id = dr.decided_by
           LEFT JOIN staff ap ON ap.id = dr.applied_by
           WHERE dr.ticket_id = ?""",
        [ticket_id],
    )


def update_ticket(
    cur: Cursor, ticket_id: int, expected_status: str, changes: dict[str, Any]
) -> bool:
    """Conditional update: applies only while the ticket still has `expected_status`."""
    sets = ", ".join(f"{k} = ?" for k in changes)
    found = cur.execute(
        f"UPDATE ticket SET {sets} WHERE id = ? AND status = ? RETURNING id",
        [*changes.values(), ticket_id, expected_status],
    ).fetchall()
    if found:
        reports.log_change(cur, ticket_id)
    return bool(found)


def update_discount(
    cur: Cursor, ticket_id: int, expected_decision: str, changes: dict[str, Any]
) -> bool:
    """Conditional update: applies only while the request still has `expected_decision`."""
    sets = ", ".join(f"{k} = ?" for k in changes)
    found = cur.execute(
        f"UPDATE discount_request SET {sets} WHERE ticket_id = ? AND decision = ? RETURNING ticket_id",
        [*changes.values(), ticket_id, expected_decision],
    ).fetchall()
    if found:
        reports.log_change(cur, ticket_id)
    return bool(found)


def movements(cur: Cursor, ticket_id: int) -> list[dict]:
    """The ticket's history, newest first."""
    return rows(
        cur,
        """SELECT m.id, m.created_at, m.kind, m.from_status, m.to_status, m.note,
                  m.customer_visible, m.from_decision, m.to_decision, s.name AS staff, fd.name AS from_department,
                  td.name AS to_department
           FROM movement m
           LEFT JOIN staff s ON s.id = m.staff_id
           LEFT JOIN department fd ON fd.id = m.from_department_id
           LEFT JOIN department td ON td.id = m.to_department_id
           WHERE m.ticket_id = ?
           ORDER BY m.created_at DESC, m.id DESC""",
        [ticket_id],
    )


def last_movement(cur: Cursor, ticket_id: int, kind: str) -> dict | None:
    return one(
        cur,
        """SELECT m.created_at, s.name AS staff FROM movement m
           LEFT JOIN staff s ON s.id = m.staff_id
           WHERE m.ticket_id = ? AND m.kind = ? ORDER BY m.created_at DESC, m.id DESC LIMIT 1""",
        [ticket_id, kind],
    )


def last_change(cur: Cursor, ticket_id: int) -> dict | None:
    """The newest movement that changed the ticket's state (a message changes nothing)."""
    return one(
        cur,
        """SELECT m.created_at, m.kind, m.from_decision, m.to_decision, s.name AS staff
           FROM movement m LEFT JOIN staff s ON s.id = m.staff_id
           WHERE m.ticket_id = ? AND m.kind <> 'mensagem'
           ORDER BY m.created_at DESC, m.id DESC LIMIT 1""",
        [ticket_id],
    )


def fill_decision_history(cur: Cursor) -> int:
    """Give movements loaded without them (migration 040 did the same for older stores) the
    decision's from/to their kind implies; returns how many were filled. A rejection or a
    cancellation's "from" comes from the request: no signal return yet means it was waiting,
    an earlier approval means it was approved."""
    return len(
        cur.execute(
            """UPDATE movement SET
                   from_decision = CASE
                       WHEN movement.kind = 'retorno_sinal' THEN 'aguardando_retorno'
                       WHEN movement.kind = 'aprovar' THEN 'pendente'
                       WHEN movement.kind = 'aplicar' THEN 'aprovado'
                       WHEN dr.signal_returned_at IS NULL THEN 'aguardando_retorno'
                       WHEN movement.kind = 'cancelar' AND EXISTS (
                           SELECT 1 FROM movement a
                           WHERE a.ticket_id = movement.ticket_id AND a.kind = 'aprovar'
                       ) THEN 'aprovado'
                       ELSE 'pendente' END,
                   to_decision = CASE movement.kind
                       WHEN 'retorno_sinal' THEN 'pendente'
                       WHEN 'aprovar' THEN 'aprovado'
                       WHEN 'aplicar' THEN 'aplicado'
                       WHEN 'reprovar' THEN 'reprovado'
                       ELSE 'cancelado' END
               FROM discount_request dr
               WHERE dr.ticket_id = movement.ticket_id
                 AND movement.kind IN ('retorno_sinal', 'aprovar', 'aplicar', 'reprovar', 'cancelar')
                 AND movement.from_decision IS NULL AND movement.to_decision IS NULL
               RETURNING movement.id"""
        ).fetchall()
    )


def overlapping_discounts(
    cur: Cursor,
    contract_id: int,
    start: datetime,
    end: datetime,
    exclude_ticket_id: int | None = None,
) -> list[dict]:
    """Live discount requests of the contract whose period intersects [start, end].

    A request still waiting for the signal counts as running until now. The protocols are
    read only when something overlaps: joining `ticket` on every save cost 0.5 ms at 1M."""
    found = rows(
        cur,
        """SELECT dr.ticket_id,
                  least(dr.opened_at, coalesce(dr.incident_started_at, dr.opened_at)) AS start,
                  coalesce(dr.signal_returned_at, current_timestamp) AS "end"
           FROM discount_request dr
           WHERE dr.contract_id = ?
             AND dr.decision NOT IN ('reprovado', 'cancelado')
             AND least(dr.opened_at, coalesce(dr.incident_started_at, dr.opened_at)) < ?
             AND coalesce(dr.signal_returned_at, current_timestamp) > ?
             AND dr.ticket_id IS DISTINCT FROM ?
           ORDER BY start, dr.ticket_id""",
        [contract_id, end, start, exclude_ticket_id],
    )
    if found:
        protocols = dict(
            cur.execute(
                "SELECT id, protocol FROM ticket WHERE id IN (SELECT unnest(?))",
                [[o["ticket_id"] for o in found]],
            ).fetchall()
        )
        for o in found:
            o["protocol"] = protocols[o["ticket_id"]]
    return found


def counts(cur: Cursor) -> dict[str, int]:
    """Row counts for the home page.

    Open tickets are counted as those neither solved nor cancelled: `status` is NOT NULL and
    CHECKed to N, P, EP, S, C (migration 001; tests/unit/test_home_counts.py keeps the two
    lists in step with lib.domain), and at 10M tickets DuckDB pushes `NOT IN` into the scan as
    a table filter (about 35 ms) where it ran `IN ('N', 'P', 'EP')` as a separate OR filter
    over every row (about 100 ms; EXPLAIN ANALYZE, issue 17)."""
    row = cur.execute(
        """SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM contract),
                  (SELECT count(*) FROM ticket),
                  (SELECT count(*) FROM ticket WHERE status NOT IN ('S', 'C')),
                  (SELECT count(*) FROM discount_request),
                  (SELECT count(*) FROM discount_request WHERE decision = 'pendente'),
                  (SELECT count(*) FROM discount_request WHERE decision = 'aguardando_retorno')"""
    ).fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    keys = (
        "clientes",
        "contratos",
        "atendimentos",
        "abertos",
        "descontos",
        "pendentes",
        "aguardando",
    )
    return dict(zip(keys, (int(v) for v in row), strict=True))
