"""Customers, logins, contracts, and the lists supervisors keep: departments, subjects, canned
responses, processes, complementary statuses; plus the settings."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from typing import Any

from lib.store import ConstraintError, Cursor, WriteConflict, dialect, one, rows, scalar

# --- customers, logins, contracts -------------------------------------------------------------

# What a CPF/CNPJ, phone or protocol may be typed with besides its digits.
_NUMBER_PUNCTUATION = frozenset(" .-/()")


def search_key(text: str) -> str:
    """Lower-case, without accents: how `customer.search_name` holds a name."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def search_customers(cur: Cursor, text: str, limit: int = 20) -> list[dict]:
    """Customers matching a name (any case, with or without accents), CPF/CNPJ prefix, PPPoE
    login, contract number, phone or ticket protocol.

    An exact match comes first, always: the PPPoE login, the contract number, the whole CPF/CNPJ
    (typed with or without punctuation) or a ticket's protocol. Each such row says so
    (`exact`) and carries the login and contract it names, when it names one. Partial matches
    follow, by name. Each branch runs only when the text can match it: a name needs a letter;
    CPF, phone, contract and protocol need a text of digits and punctuation only (the digits of
    a login such as "daniel.borges331" are not a phone), and keys go through the primary key or
    a unique column where there is one."""
    text = (text or "").strip()
    if not text:
        return []
    key = search_key(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    has_letters = any(ch.isalpha() for ch in key)
    numeric = bool(digits) and all(ch.isdigit() or ch in _NUMBER_PUNCTUATION for ch in text)
    # (customer id, rank, login id, contract id): rank 0 is an exact key, 1 a partial match;
    # an exact key is also a partial match, so one scan of a table ranks both
    branches = [
        "SELECT customer_id AS id, CASE WHEN lower(username) = $key THEN 0 ELSE 1 END AS rank, "
        "CASE WHEN lower(username) = $key THEN id END AS login_id, "
        "CASE WHEN lower(username) = $key THEN contract_id END AS contract_id "
        "FROM login WHERE contains(lower(username), $key)",
    ]
    if has_letters:
        branches.append(
            "SELECT id, 1, NULL, NULL FROM customer "
            "WHERE contains(coalesce(search_name, lower(strip_accents(name))), $key)"
        )
    if numeric:
        branches += [
            "SELECT id, CASE WHEN cpf_cnpj = $digits THEN 0 ELSE 1 END, NULL, NULL "
            "FROM customer WHERE starts_with(cpf_cnpj, $digits) "
            "OR contains(replace(phones, ' ', ''), $digits)",
            "SELECT customer_id, 0, login_id, contract_id FROM ticket "
            "WHERE protocol = $digits AND customer_id IS NOT NULL",
        ]
        if len(digits) <= 9:
            branches.append(
                "SELECT customer_id, 0, NULL, id FROM contract WHERE id = CAST($digits AS INTEGER)"
            )
        if len(digits) <= 18:  # the contract's number in IXC (issue 14), by its unique index
            branches.append(
                "SELECT customer_id, 0, NULL, id FROM contract WHERE ixc_id = CAST($digits AS BIGINT)"
            )
    # contains(), not LIKE: a "%" or "_" typed is a character, not a wildcard
    params: dict[str, object] = {"key": key, "limit": limit}
    if numeric:
        params["digits"] = digits
    return rows(
        cur,
        f"""WITH hits AS ({" UNION ALL ".join(branches)}),
           best AS (
               SELECT id, min(rank) AS rank,
                      (array_agg(login_id ORDER BY rank))[1] AS login_id,
                      (array_agg(contract_id ORDER BY rank))[1] AS contract_id
               FROM hits GROUP BY id)
           SELECT c.id, c.name, c.cpf_cnpj, c.phones, c.neighbourhood, c.city,
                  b.rank = 0 AS exact,
                  CASE WHEN b.rank = 0 THEN b.login_id END AS login_id,
                  CASE WHEN b.rank = 0 THEN b.contract_id END AS contract_id
           FROM customer c JOIN best b ON b.id = c.id
           ORDER BY b.rank, c.name, c.id LIMIT $limit""",
        params,
    )


def fill_customer_search(cur: Cursor) -> int:
    """Fill `search_name` where rows were written in bulk without it; returns how many."""
    if not scalar(cur, "SELECT EXISTS (SELECT 1 FROM customer WHERE search_name IS NULL)"):
        return 0  # the usual start: every write that sets a name sets the column too
    # No RETURNING: materialising the ids made this 65.9 s on 10M rows instead of 0.14 s.
    return dialect.changed_rows(
        cur,
        "UPDATE customer SET search_name = lower(strip_accents(name)) WHERE search_name IS NULL",
    )


def get_customer(cur: Cursor, customer_id: int) -> dict | None:
    return one(cur, "SELECT * FROM customer WHERE id = ?", [customer_id])


def logins_of(cur: Cursor, customer_id: int) -> list[dict]:
    return rows(cur, "SELECT * FROM login WHERE customer_id = ? ORDER BY username", [customer_id])


def contracts_of(cur: Cursor, customer_id: int) -> list[dict]:
    return rows(cur, "SELECT * FROM contract WHERE customer_id = ? ORDER BY id", [customer_id])


def get_contract(cur: Cursor, contract_id: int) -> dict | None:
    return one(cur, "SELECT * FROM contract WHERE id = ?", [contract_id])


def get_login(cur: Cursor, login_id: int) -> dict | None:
    return one(cur, "SELECT * FROM login WHERE id = ?", [login_id])


# What opening a ticket reads of its customer, login and contract (the links it checks, the
# fee, the address origins): named columns, since a point lookup's cost grows with the columns
# it decodes (`SELECT *` on customer: 0.56 ms; these four: 0.43 ms, on the 1M store).
LINK_COLUMNS = {
    "customer": ("id", "address", "latitude", "longitude"),
    "login": ("id", "customer_id", "contract_id", "username", "address", "latitude", "longitude"),
    "contract": (
        "id", "customer_id", "monthly_fee", "due_day", "address", "latitude", "longitude",
    ),
}  # fmt: skip
_LINKS_SQL = (
    "SELECT "
    + ", ".join(f"{t}.{c}" for t, cols in LINK_COLUMNS.items() for c in cols)
    + " FROM (SELECT 1) AS one"
    + " LEFT JOIN customer ON customer.id = $customer"
    + " LEFT JOIN login ON login.id = $login"
    + " LEFT JOIN contract ON contract.id = $contract"
)


def links(
    cur: Cursor, customer_id: int | None, login_id: int | None, contract_id: int | None
) -> dict[str, dict | None]:
    """The customer, login and contract a ticket names, in one statement (three point lookups
    cost 1.7 ms on the 1M store; this, 1.2 ms): each a dict of LINK_COLUMNS, or None when the
    id is None or names no row."""
    found = cur.execute(
        _LINKS_SQL, {"customer": customer_id, "login": login_id, "contract": contract_id}
    ).fetchall()[0]
    out: dict[str, dict | None] = {}
    at = 0
    for table, cols in LINK_COLUMNS.items():
        record = dict(zip(cols, found[at : at + len(cols)], strict=True))
        out[table] = record if record["id"] is not None else None
        at += len(cols)
    return out


# --- lists kept by supervisors ----------------------------------------------------------------

LISTS = {
    "department": ("name", "active"),
    "subject": ("name", "description", "department_id", "priority", "login_required", "active"),
    "canned_response": ("title", "body", "active"),
    "process": ("name", "description", "active"),
    "complementary_status": ("name", "active"),
}
_ORDER = {"canned_response": "title"}


def list_items(cur: Cursor, table: str, *, only_active: bool = False) -> list[dict]:
    if table not in LISTS:
        raise ValueError(table)
    where = "WHERE active" if only_active else ""
    return rows(cur, f"SELECT * FROM {table} {where} ORDER BY {_ORDER.get(table, 'name')}")


def get_item(cur: Cursor, table: str, item_id: int) -> dict | None:
    if table not in LISTS:
        raise ValueError(table)
    return one(cur, f"SELECT * FROM {table} WHERE id = ?", [item_id])


def find_item(cur: Cursor, table: str, name: str) -> dict | None:
    if table not in LISTS:
        raise ValueError(table)
    key = "title" if table == "canned_response" else "name"
    return one(cur, f"SELECT * FROM {table} WHERE {key} = ?", [name])


def name_taken(cur: Cursor, table: str, name: str, exclude_id: int | None = None) -> bool:
    """Whether another item of the list already has this name (title), ignoring case."""
    if table not in LISTS:
        raise ValueError(table)
    key = "title" if table == "canned_response" else "name"
    return bool(
        scalar(
            cur,
            f"SELECT count(*) FROM {table} WHERE lower({key}) = lower(?) AND id IS DISTINCT FROM ?",
            [name.strip(), exclude_id],
        )
    )


def subjects_using_department(cur: Cursor, department_id: int) -> list[str]:
    """Names of the active subjects whose default department is this one."""
    found = cur.execute(
        "SELECT name FROM subject WHERE active AND department_id = ? ORDER BY name",
        [department_id],
    ).fetchall()
    return [r[0] for r in found]


def insert_item(cur: Cursor, table: str, values: dict[str, Any]) -> int:
    if table not in LISTS or set(values) - set(LISTS[table]):
        raise ValueError(f"{table}: {sorted(values)}")
    return _insert(cur, table, values)


def update_item(cur: Cursor, table: str, item_id: int, values: dict[str, Any]) -> bool:
    if table not in LISTS or not values or set(values) - set(LISTS[table]):
        raise ValueError(f"{table}: {sorted(values)}")
    sets = ", ".join(f"{k} = ?" for k in values)
    found = cur.execute(
        f"UPDATE {table} SET {sets} WHERE id = ? RETURNING id", [*values.values(), item_id]
    ).fetchall()
    return bool(found)


def department_id(cur: Cursor, name: str) -> int | None:
    return scalar(cur, "SELECT id FROM department WHERE name = ?", [name])


def subject_and_department(
    cur: Cursor, subject: str, department: str
) -> tuple[dict | None, int | None]:
    """A subject (id, description) and a department id by name, in one statement (a request's
    save reads both: DESCONTO EM FATURA and FINANCEIRO); None for a name not registered."""
    found = cur.execute(
        # a cross join of two filtered lists: 0.55 ms, against 0.84 for a scalar subquery or
        # two statements (1M store)
        "SELECT s.id, s.description, d.id FROM subject s, department d"
        " WHERE s.name = $subject AND d.name = $department",
        {"subject": subject, "department": department},
    ).fetchall()
    if found:
        return {"id": found[0][0], "description": found[0][1]}, found[0][2]
    # one of the two is missing: say which
    return find_item(cur, "subject", subject), department_id(cur, department)


def subject_id(cur: Cursor, name: str) -> int | None:
    return scalar(cur, "SELECT id FROM subject WHERE name = ?", [name])


# --- settings ---------------------------------------------------------------------------------


def settings(cur: Cursor) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in cur.execute("SELECT key, value FROM setting").fetchall()}


def set_setting(cur: Cursor, key: str, value: Any) -> None:
    cur.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, json.dumps(value)],
    )


def claim_slot(cur: Cursor, key: str, at: datetime, taken_before: datetime) -> bool:
    """Take the slot `key` (a setting holding when it was last taken) at `at`, unless it was
    taken at or after `taken_before`. Several servers running one schedule each ask at the same
    minute: their updates of the one row conflict, and only one of them gets True."""
    try:
        cur.execute(
            "INSERT INTO setting (key, value) VALUES (?, '0') ON CONFLICT (key) DO NOTHING", [key]
        )
        taken = cur.execute(
            "UPDATE setting SET value = ? WHERE key = ? AND CAST(value AS BIGINT) < ? "
            "RETURNING key",
            [json.dumps(_epoch_us(at)), key, _epoch_us(taken_before)],
        ).fetchone()
    except ConstraintError as exc:  # DuckDB: another server's row, not committed yet
        raise WriteConflict() from exc
    return taken is not None


def _epoch_us(at: datetime) -> int:
    return round(at.timestamp() * 1_000_000)


# --- single-record inserts (the demo generator loads in bulk through lib.store.bulk) -----------


def _insert(cur: Cursor, table: str, values: dict[str, Any]) -> int:
    cols = list(values)
    return int(
        scalar(
            cur,
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            "RETURNING id",
            [values[c] for c in cols],
        )
    )


def insert_customer(cur: Cursor, **values: Any) -> int:
    values.setdefault("search_name", search_key(values.get("name") or ""))
    return _insert(cur, "customer", values)


def insert_contract(cur: Cursor, **values: Any) -> int:
    return _insert(cur, "contract", values)


def insert_login(cur: Cursor, **values: Any) -> int:
    return _insert(cur, "login", values)
