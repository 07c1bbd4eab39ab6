"""The ticket list: filtered, keyset-paginated pages, counts by status and department, and the
rows of an export. Everything is aggregated or limited in SQL; no query here returns the table.

`criteria` is duck-typed (lib.usecases.ticket_list.Filters): the attributes read are status,
departments, subject, priority, responsible (0 = nobody), reason, decision, date_from, date_to
and search. Period bounds are São Paulo days, given here as aware datetimes by the caller.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from lib import domain
from lib.store import Cursor, rows, scalar

# Sort orders: the key expression and its direction. By deadline, only the requests still open
# (waiting for the signal, pending, approved but not applied) have a deadline to meet: they come
# first, nearest first; closed requests (rejected, applied, cancelled) follow under the key
# CLOSED, and the tickets without a request (every subject but DESCONTO EM FATURA) come last
# under NO_DEADLINE; both in id order.
OPEN_DECISIONS = ("aguardando_retorno", "pendente", "aprovado")
DEADLINE_NEAR_DAYS = 15  # "em risco": due within this many days (the charts' figure too)
_OPEN_SQL = "(" + ", ".join(f"'{d}'" for d in OPEN_DECISIONS) + ")"
CLOSED = "DATE '9999-12-30'"
NO_DEADLINE = "DATE '9999-12-31'"
CLOSED_DATE = date(9999, 12, 30)
NO_DEADLINE_DATE = date(9999, 12, 31)
SORTS: dict[str, tuple[str, str]] = {
    "abertura": ("t.opened_at", "DESC"),
    "prazo": (
        f"""CASE WHEN dr.decision IN {_OPEN_SQL} THEN dr.deadline
                 WHEN dr.ticket_id IS NOT NULL THEN {CLOSED} ELSE {NO_DEADLINE} END""",
        "ASC",
    ),
}

# The page is read in two steps. With a join (the discount filters, the deadline order) or a
# search, the keyset query returns only each row's id and sort key: DuckDB reads every column
# it projects for every candidate row before the top-N there, and projecting the nine ticket
# columns cost 82 ms of CPU against 32 ms for the keys alone (FINANCEIRO pendente by
# deadline, 10M; issue 17). On ticket alone DuckDB reads the columns of the top rows only, so
# they come with the keys. The rest is read by id: ticket (if needed) with its request in one
# statement; the customers, the requests (if not read yet) and the three small name tables in
# one more (`_lookups`). An explicit id list ("IN (?, ...)") is an index lookup; joining the
# customers to the tickets in one statement made it a scan of the whole table (10M: 51 ms of
# CPU against 11 ms for the lookups apart).
_TICKET_COLUMNS = """
    t.id, t.protocol, t.opened_at, t.status, t.priority, t.department_id, t.subject_id,
    t.customer_id, t.responsible_id
"""
_DISCOUNT_COLUMNS = (
    "reason",
    "decision",
    "computed_amount",
    "approved_amount",
    "deadline",
    "opa_protocol",
)
_EXPORT_SELECT = """
SELECT t.id, t.protocol, t.opened_at, t.status, t.priority, s.name AS subject,
       d.name AS department, c.name AS customer, c.cpf_cnpj, r.name AS responsible,
       t.assumed_at, t.closed_at, dr.opa_protocol, dr.reason, dr.occurred_on, dr.method,
       dr.monthly_fee, dr.minutes, dr.computed_amount, dr.approved_amount, dr.decision,
       dr.deadline, dr.invoice_due_date, dr.applied_at
FROM ticket t
JOIN subject s ON s.id = t.subject_id
JOIN department d ON d.id = t.department_id
LEFT JOIN customer c ON c.id = t.customer_id
LEFT JOIN staff r ON r.id = t.responsible_id
LEFT JOIN discount_request dr ON dr.ticket_id = t.id
"""


def normal_text(text: str | None) -> str:
    """A search text as it is compared: trimmed, each run of white space one space."""
    return " ".join((text or "").split())


# `search_name` is the name already lower-cased without accents (migration 010). The text is
# found with contains()/starts_with(), never LIKE, so `%` and `_` are plain characters. A text
# holding a space is compared with the name's white space runs made one space; the name must
# first hold the text's longest word (which it then does either way), so the regexp runs on
# few names.
_NAME = "coalesce(search_name, lower(strip_accents(name)))"
# White space as Python's str.split() sees it (normal_text), spelled out: `\pZ` is RE2's
# (DuckDB) and PostgreSQL's regular expressions refuse it; both read `\s` and literal characters.
_SPACES = "\\s\u000b\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACED_NAME = f"regexp_replace({_NAME}, '[{_SPACES}]+', ' ', 'g')"


def _customer_match(text: str) -> tuple[str, list[Any]]:
    """SQL condition on `customer` for a normalised search text, and its parameters."""
    digits = "".join(ch for ch in text if ch.isdigit())
    by_cpf = "(? <> '' AND length(?) >= 3 AND starts_with(cpf_cnpj, ?))"
    if " " in text:
        word = max(text.split(), key=len)
        by_name = (
            f"(contains({_NAME}, lower(strip_accents(?)))"
            f" AND contains({_SPACED_NAME}, lower(strip_accents(?))))"
        )
        return f"({by_name} OR {by_cpf})", [word, text, digits, digits, digits]
    return f"(contains({_NAME}, lower(strip_accents(?))) OR {by_cpf})", [
        text,
        digits,
        digits,
        digits,
    ]


def matching_customers(cur: Cursor, text: str, cap: int = 5_000) -> list[int] | None:
    """The customers a search text names (name, accents ignored, or CPF/CNPJ prefix); None when
    more than `cap` match (the queries then keep the subquery)."""
    cond, params = _customer_match(normal_text(text))
    found = cur.execute(
        f"SELECT id FROM customer WHERE {cond} LIMIT ?", [*params, cap + 1]
    ).fetchall()
    return None if len(found) > cap else [r[0] for r in found]


def opa_tickets(cur: Cursor, text: str) -> list[int]:
    """The tickets whose protocol is this text, or whose OPA protocol is, in any case."""
    text = normal_text(text)
    found = cur.execute(
        "SELECT id FROM ticket WHERE protocol = ? UNION "
        "SELECT ticket_id FROM discount_request WHERE upper(opa_protocol) = upper(?)",
        [text, text],
    ).fetchall()
    return sorted(r[0] for r in found)


def ticket_state(cur: Cursor, ticket_id: int) -> tuple[str, str | None] | None:
    """A ticket's status and its discount decision (None without a request); None if unknown."""
    found = cur.execute(
        """SELECT t.status, dr.decision FROM ticket t
           LEFT JOIN discount_request dr ON dr.ticket_id = t.id WHERE t.id = ?""",
        [ticket_id],
    ).fetchone()
    return (found[0], found[1]) if found else None


def _needs_discount(criteria: Any, sort: str | None = None) -> bool:
    resolved = getattr(criteria, "customer_ids", None) is not None
    return bool(
        criteria.reason is not None
        or criteria.decision is not None
        or getattr(criteria, "deadline", None) is not None
        or getattr(criteria, "method", None) is not None
        or (normal_text(criteria.search) and not resolved)
        or sort == "prazo"
    )


def where_clause(
    criteria: Any, period: tuple[datetime | None, datetime | None]
) -> tuple[str, list[Any]]:
    """SQL conditions on `t` (ticket) and `dr` (discount_request) for the criteria."""
    conds: list[str] = []
    params: list[Any] = []
    if criteria.status:
        conds.append(f"t.status IN ({', '.join('?' * len(criteria.status))})")
        params += list(criteria.status)
    if criteria.departments:
        conds.append(f"t.department_id IN ({', '.join('?' * len(criteria.departments))})")
        params += list(criteria.departments)
    if criteria.subject is not None:
        conds.append("t.subject_id = ?")
        params.append(criteria.subject)
    if criteria.priority is not None:
        conds.append("t.priority = ?")
        params.append(criteria.priority)
    if criteria.responsible == 0:
        conds.append("t.responsible_id IS NULL")
    elif criteria.responsible is not None:
        conds.append("t.responsible_id = ?")
        params.append(criteria.responsible)
    if criteria.reason is not None:
        conds.append("dr.reason = ?")
        params.append(criteria.reason)
    if criteria.decision is not None:
        conds.append("dr.decision = ?")
        params.append(criteria.decision)
    deadline = getattr(criteria, "deadline", None)
    if deadline is not None:  # a state of today: open requests past (or near) their deadline
        conds.append(f"dr.decision IN {_OPEN_SQL} AND dr.deadline <= ?")
        near = DEADLINE_NEAR_DAYS if deadline == "risco" else -1
        params.append(domain.now().date() + timedelta(days=near))
    method = getattr(criteria, "method", None)
    if method is not None:
        conds.append("dr.method = ?")
        params.append(method)
    start, end = period
    if start is not None:
        conds.append("t.opened_at >= ?")
        params.append(start)
    if end is not None:
        conds.append("t.opened_at < ?")
        params.append(end)
    text = normal_text(criteria.search)
    if text:
        # A protocol, an OPA protocol, a customer's name (accents ignored) or CPF/CNPJ.
        customers = getattr(criteria, "customer_ids", None)
        if customers is not None:  # resolved once by browse(): no join needed
            # Each id list is one list parameter unnested in a subquery: DuckDB plans that as
            # a hash semi-join, where "IN (?, ?, ...)" with hundreds of values was a chain of
            # comparisons per row (counts at 10M: 888 ms against 22 ms; issue 17).
            # The protocol was resolved with the OPA tickets, so no string is compared per row.
            parts = []
            if criteria.opa_ticket_ids:
                parts.append("t.id IN (SELECT unnest(?::BIGINT[]))")
                params.append(list(criteria.opa_ticket_ids))
            if customers:
                parts.append("t.customer_id IN (SELECT unnest(?::BIGINT[]))")
                params.append(list(customers))
            conds.append("(" + (" OR ".join(parts) or "FALSE") + ")")
        else:
            match, match_params = _customer_match(text)
            conds.append(
                f"""(t.protocol = ? OR upper(dr.opa_protocol) = upper(?)
                    OR t.customer_id IN (SELECT id FROM customer WHERE {match}))"""
            )
            params += [text, text, *match_params]
    return (" AND ".join(conds) or "TRUE"), params


def _from(criteria: Any, sort: str | None = None) -> str:
    join = (
        " LEFT JOIN discount_request dr ON dr.ticket_id = t.id"
        if _needs_discount(criteria, sort)
        else ""
    )
    return "FROM ticket t" + join


# Sorting by deadline walks three segments in order, each with its own key: the open requests
# (inner join, by deadline), the closed ones (inner join, by id under the CLOSED key), then the
# tickets without one (by id, under the NO_DEADLINE key). A LEFT JOIN of every ticket to sort
# them in one go measured ~3x slower on 1M tickets.
_JOINED = "FROM ticket t JOIN discount_request dr ON dr.ticket_id = t.id"
_DEADLINE_SEGMENTS = [
    ("dr.deadline", f"{_JOINED} WHERE dr.decision IN {_OPEN_SQL} AND"),
    (CLOSED, f"{_JOINED} WHERE dr.decision NOT IN {_OPEN_SQL} AND"),
    (
        NO_DEADLINE,
        "FROM ticket t CROSS JOIN (SELECT NULL::INTEGER AS reason, NULL::VARCHAR AS decision,"
        " NULL::VARCHAR AS opa_protocol, NULL::DATE AS deadline, NULL::VARCHAR AS method) dr"
        " WHERE NOT EXISTS (SELECT 1 FROM discount_request x WHERE x.ticket_id = t.id) AND",
    ),
]


# The requests segments' own condition, for reading them from discount_request alone.
_REQUEST_SEGMENTS = {
    0: f"dr.decision IN {_OPEN_SQL}",
    1: f"dr.decision NOT IN {_OPEN_SQL}",
}
_TICKET_COLUMN = re.compile(r"\bt\.")


def _deadline_segment(sort_value: Any) -> int:
    """Which deadline segment a key's sort value belongs to."""
    if sort_value == NO_DEADLINE_DATE:
        return 2
    return 1 if sort_value == CLOSED_DATE else 0


def page(
    cur: Cursor,
    criteria: Any,
    period: tuple[datetime | None, datetime | None],
    sort: str,
    *,
    after: tuple[Any, int] | None = None,
    before: tuple[Any, int] | None = None,
    limit: int = 50,
    names_into: dict[str, dict[int, str]] | None = None,
) -> list[dict]:
    """Up to `limit` + 1 rows in the sort order, strictly after the key `after` or strictly
    before the key `before` (then still returned in the sort order). Keys are (sort value, id);
    the extra row tells the caller whether there is more in that direction. `names_into`, if
    given, receives every subject's, department's and staff member's name (read anyway)."""
    key, direction = SORTS[sort]
    where, params = where_clause(criteria, period)
    backwards = before is not None
    bound = before if backwards else after
    # Walking forwards in a DESC order means smaller keys; backwards means larger.
    smaller = (direction == "DESC") != backwards
    order = "DESC" if smaller else "ASC"
    if sort == "prazo":
        # start in the segment that holds the bound and walk on in the direction of travel
        first = _deadline_segment(bound[0]) if bound is not None else (2 if backwards else 0)
        indexes = list(range(first, -1, -1)) if backwards else list(range(first, 3))
        segments = [(i, *_DEADLINE_SEGMENTS[i]) for i in indexes]
    else:
        segments = [(-1, key, _from(criteria, sort) + " WHERE")]
    # With no condition on the ticket itself, the requests segments pick their page's keys from
    # discount_request alone: joining ticket first made DuckDB probe every ticket (deadline
    # order at 10M: 67 ms against 3 ms; issue 17).
    requests_first = not _TICKET_COLUMN.search(where)
    keys: list[tuple[int, Any]] = []
    tickets: dict[int, dict] = {}  # the rows read in the keyset query itself (ticket alone)
    for segment, seg_key, seg_from in segments:
        cond, cond_params = where, list(params)
        alone = requests_first and segment in _REQUEST_SEGMENTS
        id_col = "dr.ticket_id" if alone else "t.id"
        if bound is not None:
            op, op_eq = ("<", "<=") if smaller else (">", ">=")
            # The redundant first comparison lets DuckDB skip row groups by their min/max.
            cond += (
                f" AND {seg_key} {op_eq} ? AND ({seg_key} {op} ?"
                f" OR ({seg_key} = ? AND {id_col} {op} ?))"
            )
            cond_params += [bound[0], bound[0], bound[0], bound[1]]
        if alone:  # a request always has its ticket (both are written in one transaction)
            seg_from = f"FROM discount_request dr WHERE {_REQUEST_SEGMENTS[segment]} AND"
        # On ticket alone DuckDB reads the columns of the top rows only: they come along.
        direct = seg_from == "FROM ticket t WHERE" and "SELECT" not in cond
        found = rows(
            cur,
            f"""SELECT {_TICKET_COLUMNS if direct else f"{id_col} AS id"}, {seg_key} AS sort_key
                {seg_from} {cond}
                ORDER BY sort_key {order}, {id_col} {order}
                LIMIT ?""",
            [*cond_params, limit + 1 - len(keys)],
        )
        keys += [(r["id"], r["sort_key"]) for r in found]
        if direct:
            tickets.update((r["id"], r) for r in found)
        if len(keys) > limit:
            break
        bound = None  # the next segment starts from its beginning
    if direction != order:
        keys.reverse()
    return page_rows(cur, keys, tickets, names_into)


def _in(values: list[Any]) -> str:
    return ", ".join("?" * len(values)) or "NULL"


_NAME_TABLES = ("subject", "department", "staff")
_NO_REQUEST = (
    "NULL::INTEGER, NULL::VARCHAR, NULL::DECIMAL(12, 2), NULL::DECIMAL(12, 2), NULL::DATE,"
    " NULL::VARCHAR"
)


def _lookups(
    cur: Cursor, request_ids: list[int], customer_ids: list[int]
) -> tuple[dict[int, tuple], dict[int, tuple], dict[str, dict[int, str]]]:
    """In one statement: these tickets' requests, these customers, and every subject's,
    department's and staff member's name (the three tables hold tens of rows). Each lookup
    is an index scan of its own; one statement instead of five saves their fixed cost."""
    parts, params = [], []
    if request_ids:
        parts.append(
            f"SELECT 'request', ticket_id, {', '.join(_DISCOUNT_COLUMNS)}, NULL::VARCHAR,"
            f" NULL::VARCHAR FROM discount_request WHERE ticket_id IN ({_in(request_ids)})"
        )
        params += request_ids
    if customer_ids:
        parts.append(
            f"SELECT 'customer', id, {_NO_REQUEST}, name, cpf_cnpj"
            f" FROM customer WHERE id IN ({_in(customer_ids)})"
        )
        params += customer_ids
    parts += [f"SELECT '{t}', id, {_NO_REQUEST}, name, NULL FROM {t}" for t in _NAME_TABLES]
    requests: dict[int, tuple] = {}
    customers: dict[int, tuple] = {}
    names: dict[str, dict[int, str]] = {t: {} for t in _NAME_TABLES}
    for kind, item_id, *values in cur.execute(" UNION ALL ".join(parts), params).fetchall():
        if kind == "request":
            requests[item_id] = tuple(values[: len(_DISCOUNT_COLUMNS)])
        elif kind == "customer":
            customers[item_id] = (values[-2], values[-1])
        else:
            names[kind][item_id] = values[-2]
    return requests, customers, names


def lookup_names(cur: Cursor) -> dict[str, dict[int, str]]:
    """Every subject's, department's and staff member's name by id, in one statement."""
    return _lookups(cur, [], [])[2]


def page_rows(
    cur: Cursor,
    keys: list[tuple[int, Any]],
    tickets: dict[int, dict] | None = None,
    names_into: dict[str, dict[int, str]] | None = None,
) -> list[dict]:
    """The rows the list shows for these (id, sort key) pairs, in their order: the ticket's
    columns (read here unless `tickets` holds them), its request's, the customer's and the
    names. `names_into`, if given, receives every name read (the count matrix's departments)."""
    if not keys:
        return []
    ids = [k[0] for k in keys]
    if tickets is not None and all(i in tickets for i in ids):
        by_id = {i: dict(tickets[i]) for i in ids}
        request_ids = ids  # read with the customers and the names
    else:
        by_id = {
            r["id"]: r
            for r in rows(
                cur,
                f"""SELECT {_TICKET_COLUMNS}, {", ".join("dr." + c for c in _DISCOUNT_COLUMNS)}
                    FROM (SELECT * FROM ticket WHERE id IN ({_in(ids)})) t
                    LEFT JOIN (SELECT * FROM discount_request WHERE ticket_id IN ({_in(ids)})) dr
                      ON dr.ticket_id = t.id""",
                [*ids, *ids],
            )
        }
        request_ids = []  # read with the tickets
    customer_ids = sorted({r["customer_id"] for r in by_id.values() if r["customer_id"]})
    requests, customers, names = _lookups(cur, request_ids, customer_ids)
    if names_into is not None:
        names_into.update(names)
    no_request = (None,) * len(_DISCOUNT_COLUMNS)
    found = []
    for ticket_id, sort_key in keys:
        r = by_id.get(ticket_id)
        if r is None:  # gone between the two statements of a caller without a transaction
            continue
        if request_ids:
            r.update(zip(_DISCOUNT_COLUMNS, requests.get(ticket_id, no_request), strict=True))
        customer = customers.get(r["customer_id"], (None, None))
        r["sort_key"] = sort_key
        r["subject"] = names["subject"].get(r["subject_id"])
        r["department"] = names["department"].get(r["department_id"])
        r["responsible"] = names["staff"].get(r["responsible_id"])
        r["customer"], r["cpf_cnpj"] = customer
        found.append(r)
    return found


def count(cur: Cursor, criteria: Any, period: tuple[datetime | None, datetime | None]) -> int:
    where, params = where_clause(criteria, period)
    return int(scalar(cur, f"SELECT count(*) {_from(criteria)} WHERE {where}", params))


def status_department_counts(
    cur: Cursor, criteria: Any, period: tuple[datetime | None, datetime | None]
) -> list[dict]:
    """(status, department_id, n) over the filtered set."""
    where, params = where_clause(criteria, period)
    return rows(
        cur,
        f"""SELECT t.status, t.department_id, count(*) AS n {_from(criteria)}
            WHERE {where} GROUP BY t.status, t.department_id""",
        params,
    )


def export_rows(
    cur: Cursor,
    criteria: Any,
    period: tuple[datetime | None, datetime | None],
    sort: str,
    limit: int,
) -> list[dict]:
    """Every column an export carries, for the whole filtered set (up to `limit` rows)."""
    key, direction = SORTS[sort]
    where, params = where_clause(criteria, period)
    return rows(
        cur,
        f"{_EXPORT_SELECT} WHERE {where} ORDER BY {key} {direction}, t.id {direction} LIMIT ?",
        [*params, limit],
    )


def responsibles(cur: Cursor) -> list[dict]:
    """Staff who may be responsible for a ticket, for the filter."""
    return rows(cur, "SELECT id, name, active FROM staff ORDER BY name")
