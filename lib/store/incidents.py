"""Incidents (mass outages, reasons 3-5): the incident, its scope as chosen, the logins and
contracts the scope resolved to, its history, and the discount requests linked to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lib.store import ConstraintError, Cursor, one, reports, rows, scalar
from lib.store.tickets import DISCOUNT_FIELDS

INCIDENT_FIELDS = (
    "reason",
    "title",
    "cause",
    "started_at",
    "ended_at",
    "scope_kind",
    "opened_by",
    "opened_at",
    "closed_by",
    "closed_at",
    "demo_key",
    "idempotency_key",
)
# Two sessions saving one idempotency key at once: DuckDB may refuse the second at COMMIT as a
# constraint violation rather than a transaction conflict (the caller then reads the winner).
KeyTaken = ConstraintError

# scope kind -> the login column it matches (compared trimmed and case-insensitively)
SCOPE_COLUMNS = {"bairro": "neighbourhood", "cto": "cto_box", "login": "username"}


def insert_incident(cur: Cursor, values: dict[str, Any]) -> int | None:
    """The new incident's id; None when its idempotency key (or demo key) is taken."""
    unknown = set(values) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValueError(f"campos desconhecidos: {sorted(unknown)}")
    cols = list(values)
    found = cur.execute(
        f"INSERT INTO incident ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        "ON CONFLICT DO NOTHING RETURNING id",
        [values[c] for c in cols],
    ).fetchall()
    return int(found[0][0]) if found else None


def update_incident(
    cur: Cursor, incident_id: int, expected_version: int, changes: dict[str, Any]
) -> bool:
    """Conditional update: applies only while the incident still has `expected_version`, and
    moves the version on."""
    unknown = set(changes) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValueError(f"campos desconhecidos: {sorted(unknown)}")
    sets = "".join(f"{k} = ?, " for k in changes)
    found = cur.execute(
        f"UPDATE incident SET {sets}version = version + 1 WHERE id = ? AND version = ? "
        "RETURNING id",
        [*changes.values(), incident_id, expected_version],
    ).fetchall()
    return bool(found)


def incident_by_key(cur: Cursor, key: str) -> int | None:
    return scalar(cur, "SELECT id FROM incident WHERE idempotency_key = ?", [key])


def get_incident(cur: Cursor, incident_id: int) -> dict | None:
    return one(
        cur,
        """SELECT i.*, o.name AS opened_by_name, c.name AS closed_by_name
           FROM incident i LEFT JOIN staff o ON o.id = i.opened_by
           LEFT JOIN staff c ON c.id = i.closed_by WHERE i.id = ?""",
        [incident_id],
    )


def scope_values(cur: Cursor, incident_id: int) -> list[str]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT value FROM incident_scope WHERE incident_id = ? ORDER BY value", [incident_id]
        ).fetchall()
    ]


def set_scope(cur: Cursor, incident_id: int, values: list[str]) -> None:
    cur.execute("DELETE FROM incident_scope WHERE incident_id = ?", [incident_id])
    for value in values:
        cur.execute(
            "INSERT INTO incident_scope (incident_id, value) VALUES (?, ?)", [incident_id, value]
        )


def resolve_scope(cur: Cursor, kind: str, values: list[str]) -> list[dict]:
    """The logins (with contract and customer) the scope names: every login of the
    neighbourhoods or CTO boxes, or the logins listed. Logins of cancelled contracts are left
    out (nobody is billed for them)."""
    column = SCOPE_COLUMNS[kind]
    keys = sorted({v.strip().lower() for v in values if v.strip()})
    if not keys:
        return []
    return rows(
        cur,
        f"""SELECT l.id AS login_id, l.contract_id, l.customer_id, l.username
            FROM login l LEFT JOIN contract k ON k.id = l.contract_id
            WHERE lower(trim(l.{column})) IN (SELECT unnest(?::VARCHAR[]))
              AND coalesce(k.status, 'A') <> 'C'
            ORDER BY l.id""",
        [keys],
    )


def known_values(cur: Cursor, kind: str, values: list[str]) -> set[str]:
    """Which of `values` (lower-cased, trimmed) some login has in the scope's column."""
    column = SCOPE_COLUMNS[kind]
    keys = sorted({v.strip().lower() for v in values if v.strip()})
    if not keys:
        return set()
    return {
        r[0]
        for r in cur.execute(
            f"""SELECT DISTINCT lower(trim({column})) FROM login
                WHERE lower(trim({column})) IN (SELECT unnest(?::VARCHAR[]))""",
            [keys],
        ).fetchall()
    }


def replace_members(cur: Cursor, incident_id: int, members: list[dict]) -> None:
    cur.execute("DELETE FROM incident_member WHERE incident_id = ?", [incident_id])
    if members:
        # one statement of three lists zipped by unnest: executemany ran an INSERT per member
        # (2.3 s of the demo's first start; issue 17)
        cur.execute(
            "INSERT INTO incident_member (incident_id, login_id, contract_id, customer_id) "
            "SELECT ?, unnest(?::BIGINT[]), unnest(?::BIGINT[]), unnest(?::BIGINT[])",
            [
                incident_id,
                [m["login_id"] for m in members],
                [m["contract_id"] for m in members],
                [m["customer_id"] for m in members],
            ],
        )


def scope_options(cur: Cursor, kind: str) -> list[str]:
    """The neighbourhoods or CTO boxes logins hang from, for the scope picker."""
    column = SCOPE_COLUMNS[kind]
    return [
        r[0]
        for r in cur.execute(
            f"SELECT DISTINCT {column} FROM login WHERE coalesce(trim({column}), '') <> '' "
            f"ORDER BY 1"
        ).fetchall()
    ]


def members(cur: Cursor, incident_id: int) -> list[dict]:
    """The affected logins with their customer, contract (fee), place and box."""
    return rows(
        cur,
        """SELECT m.login_id, m.contract_id, m.customer_id, l.username, c.name AS customer,
                  k.monthly_fee, l.neighbourhood, l.cto_box, l.address,
                  coalesce(l.latitude, k.latitude, c.latitude) AS latitude,
                  coalesce(l.longitude, k.longitude, c.longitude) AS longitude
           FROM incident_member m
           JOIN login l ON l.id = m.login_id
           JOIN customer c ON c.id = m.customer_id
           LEFT JOIN contract k ON k.id = m.contract_id
           WHERE m.incident_id = ?
           ORDER BY c.name, l.username""",
        [incident_id],
    )


def add_event(
    cur: Cursor, incident_id: int, at: datetime, staff_id: int | None, kind: str, note: str
) -> None:
    cur.execute(
        "INSERT INTO incident_event (incident_id, created_at, staff_id, kind, note) "
        "VALUES (?, ?, ?, ?, ?)",
        [incident_id, at, staff_id, kind, note],
    )


def events(cur: Cursor, incident_id: int) -> list[dict]:
    return rows(
        cur,
        """SELECT e.created_at, s.name AS staff, e.kind, e.note
           FROM incident_event e LEFT JOIN staff s ON s.id = e.staff_id
           WHERE e.incident_id = ? ORDER BY e.created_at, e.id""",
        [incident_id],
    )


def last_event(cur: Cursor, incident_id: int) -> dict | None:
    found = events(cur, incident_id)
    return found[-1] if found else None


def _started_within(
    started_from: datetime | None, started_before: datetime | None, reasons: list[int] | None
) -> tuple[str, list[Any]]:
    """A WHERE on incident `i` by its start and reason (the charts' period), and its values."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if started_from is not None:
        where.append("i.started_at >= ?")
        params.append(started_from)
    if started_before is not None:
        where.append("i.started_at < ?")
        params.append(started_before)
    if reasons is not None:
        where.append("i.reason IN (SELECT unnest(?::INTEGER[]))")
        params.append([int(r) for r in reasons])
    return " AND ".join(where), params


def list_incidents(
    cur: Cursor,
    limit: int = 500,
    *,
    started_from: datetime | None = None,
    started_before: datetime | None = None,
    reasons: list[int] | None = None,
) -> list[dict]:
    """Incidents, newest first, with how many logins, customers and requests each has, and
    the R$ computed, approved and applied on its requests; optionally only those that started
    in [started_from, started_before) with one of `reasons`."""
    where, params = _started_within(started_from, started_before, reasons)
    return rows(
        cur,
        """WITH m AS (SELECT incident_id, count(*) AS logins,
                             count(DISTINCT customer_id) AS customers,
                             count(DISTINCT contract_id) AS contracts
                      FROM incident_member GROUP BY incident_id),
                r AS (SELECT incident_id, count(*) AS requests,
                             count(*) FILTER (WHERE automatic) AS automatic,
                             sum(computed_amount) FILTER (WHERE decision <> 'cancelado')
                                 AS computed,
                             sum(approved_amount) FILTER (WHERE decision IN ('aprovado', 'aplicado'))
                                 AS approved,
                             sum(approved_amount) FILTER (WHERE decision = 'aplicado') AS applied
                      FROM discount_request WHERE incident_id IS NOT NULL GROUP BY incident_id)
           SELECT i.id, i.reason, i.title, i.cause, i.started_at, i.ended_at, i.scope_kind,
                  i.version, i.opened_at,
                  coalesce(m.logins, 0) AS logins, coalesce(m.customers, 0) AS customers,
                  coalesce(m.contracts, 0) AS contracts,
                  coalesce(r.requests, 0) AS requests, coalesce(r.automatic, 0) AS automatic,
                  coalesce(r.computed, 0) AS computed, coalesce(r.approved, 0) AS approved,
                  coalesce(r.applied, 0) AS applied
           FROM incident i LEFT JOIN m ON m.incident_id = i.id LEFT JOIN r ON r.incident_id = i.id
           WHERE """
        + where
        + """
           ORDER BY i.started_at DESC, i.id DESC
           LIMIT ?""",
        [*params, limit],
    )


def incidents_of_login(cur: Cursor, login_id: int, ended_after: datetime) -> list[dict]:
    """Incidents whose scope holds the login: open ones, and closed ones that ended after
    `ended_after` (recent), newest first."""
    return rows(
        cur,
        """SELECT i.* FROM incident i JOIN incident_member m ON m.incident_id = i.id
           WHERE m.login_id = ? AND (i.ended_at IS NULL OR i.ended_at >= ?)
           ORDER BY i.started_at DESC, i.id DESC""",
        [login_id, ended_after],
    )


def member(cur: Cursor, incident_id: int, login_id: int) -> dict | None:
    return one(
        cur,
        "SELECT * FROM incident_member WHERE incident_id = ? AND login_id = ?",
        [incident_id, login_id],
    )


def linked_requests(cur: Cursor, incident_id: int) -> list[dict]:
    """The discount requests linked to the incident, with their ticket's status and
    protocol and the customer's name."""
    # The incident's requests first, then their tickets by id: joined in one step, DuckDB
    # built a hash join against `customer` that took 25-80 ms for 41 requests on the 1M store
    # (EXPLAIN ANALYZE; issue 17); this form takes 7 ms.
    return rows(
        cur,
        """WITH dr AS (SELECT * FROM discount_request WHERE incident_id = ?),
                t AS (SELECT id, protocol, status, customer_id, login_id, message FROM ticket
                      WHERE id IN (SELECT ticket_id FROM dr))
           SELECT dr.*, t.protocol, t.status, t.customer_id, t.login_id, c.name AS customer,
                  t.message
           FROM dr JOIN t ON t.id = dr.ticket_id
           LEFT JOIN customer c ON c.id = t.customer_id
           ORDER BY dr.ticket_id""",
        [incident_id],
    )


def live_requests_of_contracts(cur: Cursor, contract_ids: list[int]) -> list[dict]:
    """Live (not rejected or cancelled) discount requests of these contracts, with their
    period (a request waiting for the signal runs until now)."""
    if not contract_ids:
        return []
    return rows(
        cur,
        """SELECT dr.ticket_id, dr.contract_id, dr.incident_id, dr.decision, dr.reason,
                  t.protocol, t.status,
                  least(dr.opened_at, coalesce(dr.incident_started_at, dr.opened_at)) AS start,
                  coalesce(dr.signal_returned_at, current_timestamp) AS "end"
           FROM discount_request dr JOIN ticket t ON t.id = dr.ticket_id
           WHERE dr.contract_id IN (SELECT unnest(?::INTEGER[]))
             AND dr.decision NOT IN ('reprovado', 'cancelado')
           ORDER BY dr.contract_id, start""",
        [contract_ids],
    )


def overlapping_requests(
    cur: Cursor, contract_ids: list[int], start: datetime, end: datetime
) -> list[dict]:
    """The live requests of these contracts linked to no incident whose period crosses
    [start, end): live_requests_of_contracts' rows, filtered before the tickets are read.
    Reading every live request's ticket first took 40-80 ms for a 540-contract incident at
    10M tickets (issue 17); the few that overlap are looked up by id."""
    if not contract_ids:
        return []
    return rows(
        cur,
        """WITH dr AS (
               SELECT ticket_id, contract_id, incident_id, decision, reason,
                      least(opened_at, coalesce(incident_started_at, opened_at)) AS start,
                      coalesce(signal_returned_at, current_timestamp) AS "end"
               FROM discount_request
               WHERE contract_id IN (SELECT unnest(?::INTEGER[]))
                 AND decision NOT IN ('reprovado', 'cancelado') AND incident_id IS NULL
                 AND least(opened_at, coalesce(incident_started_at, opened_at)) < ?
                 AND coalesce(signal_returned_at, current_timestamp) > ?),
                t AS (SELECT id, protocol, status FROM ticket
                      WHERE id IN (SELECT ticket_id FROM dr))
           SELECT dr.ticket_id, dr.contract_id, dr.incident_id, dr.decision, dr.reason,
                  t.protocol, t.status, dr.start, dr."end"
           FROM dr JOIN t ON t.id = dr.ticket_id
           ORDER BY dr.contract_id, dr.start""",
        [contract_ids, end, start],
    )


def set_request_incident(cur: Cursor, ticket_id: int, incident_id: int | None) -> None:
    cur.execute(
        "UPDATE discount_request SET incident_id = ? WHERE ticket_id = ?", [incident_id, ticket_id]
    )
    reports.log_change(cur, ticket_id)  # every discount write logs its ticket (migration 090)


def insert_incident_request(cur: Cursor, values: dict[str, Any]) -> None:
    """A discount request an incident creates, with its incident and `automatic` flag."""
    unknown = set(values) - set(DISCOUNT_FIELDS) - {"incident_id", "automatic"}
    if unknown:
        raise ValueError(f"campos desconhecidos: {sorted(unknown)}")
    cols = list(values)
    cur.execute(
        f"INSERT INTO discount_request ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [values[c] for c in cols],
    )
    reports.log_change(cur, values["ticket_id"])


def count_requests(cur: Cursor, incident_id: int) -> int:
    return int(
        scalar(cur, "SELECT count(*) FROM discount_request WHERE incident_id = ?", [incident_id])
    )


def monthly_stats(
    cur: Cursor,
    *,
    started_from: datetime | None = None,
    started_before: datetime | None = None,
    reasons: list[int] | None = None,
) -> list[dict]:
    """Incidents by reason and month of their start (optionally within a period)."""
    where, params = _started_within(started_from, started_before, reasons)
    return rows(
        cur,
        "SELECT date_trunc('month', i.started_at)::DATE AS month, i.reason, "
        f"count(*) AS incidents FROM incident i WHERE {where} GROUP BY 1, 2 ORDER BY month, reason",
        params,
    )


def load_incident(cur: Cursor, spec: dict, at: datetime) -> int:
    """A generated incident (lib.demo.isp hands it over: reason, title, start, end or None,
    its CTO boxes, the neighbourhood and its requests' ticket ids): the incident, its scope by
    CTO box resolved to members, its history, and the link of its requests."""
    incident_id = insert_incident(
        cur,
        {
            "reason": spec["reason"],
            "title": spec["title"],
            "cause": f"Bairro {spec['hood']}.",
            "started_at": spec["started_at"],
            "ended_at": spec["ended_at"],
            "scope_kind": "cto",
            "opened_at": spec["started_at"],
            "closed_at": spec["ended_at"],
        },
    )
    assert incident_id is not None  # no key: nothing to conflict with
    set_scope(cur, incident_id, spec["boxes"])
    found = resolve_scope(cur, "cto", spec["boxes"])
    replace_members(cur, incident_id, found)
    add_event(
        cur,
        incident_id,
        spec["started_at"],
        None,
        "abrir",
        f"Caixas CTO/NAP: {', '.join(spec['boxes'])} ({len(found)} logins). Dados de demonstração.",
    )
    if spec["ended_at"] is not None:
        add_event(cur, incident_id, spec["ended_at"], None, "encerrar", "Dados de demonstração.")
    tickets = spec.get("tickets") or []
    if tickets:
        # a contract cancelled since the incident still was affected by it
        cur.execute(
            """INSERT INTO incident_member (incident_id, login_id, contract_id, customer_id)
               SELECT DISTINCT ?, t.login_id, l.contract_id, t.customer_id
               FROM ticket t JOIN login l ON l.id = t.login_id
               WHERE t.id IN (SELECT unnest(?::BIGINT[]))
               ON CONFLICT DO NOTHING""",
            [incident_id, tickets],
        )
        cur.execute(
            "UPDATE discount_request SET incident_id = ? "
            "WHERE ticket_id IN (SELECT unnest(?::BIGINT[]))",
            [incident_id, tickets],
        )
    return incident_id
