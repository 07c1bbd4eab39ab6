"""Customers, logins, contracts, and the lists supervisors keep: departments, subjects, canned
responses, processes, complementary statuses; plus the settings."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from lib.store import Cursor, one, rows, scalar

# --- customers, logins, contracts -------------------------------------------------------------


def search_key(text: str) -> str:
    """Lower-case, without accents: how `customer.search_name` holds a name."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def search_customers(cur: Cursor, text: str, limit: int = 20) -> list[dict]:
    """Customers matching a name (any case, with or without accents), CPF/CNPJ prefix, PPPoE
    login, contract number or phone.

    Each branch runs only when the text can match it (a name needs a letter; a CPF, phone or
    contract needs digits), and the contract number goes through the primary key."""
    text = (text or "").strip()
    if not text:
        return []
    digits = "".join(ch for ch in text if ch.isdigit())
    key = search_key(text)
    has_letters = any(ch.isalpha() for ch in key)
    only_digits = text.isdigit()
    like = f"%{key}%"
    branches = ["SELECT customer_id AS id FROM login WHERE lower(username) LIKE $like"]
    if has_letters:
        branches.append(
            "SELECT id FROM customer "
            "WHERE coalesce(search_name, lower(strip_accents(name))) LIKE $like"
        )
    if digits:
        branches.append(
            "SELECT id FROM customer WHERE starts_with(cpf_cnpj, $digits) "
            "OR contains(replace(phones, ' ', ''), $digits)"
        )
    if only_digits and len(digits) <= 9:
        branches.append(
            "SELECT customer_id AS id FROM contract WHERE id = CAST($digits AS INTEGER)"
        )
    params: dict[str, object] = {"like": like, "limit": limit}
    if digits:
        params["digits"] = digits
    return rows(
        cur,
        f"""WITH hits AS ({" UNION ".join(branches)})
           SELECT c.id, c.name, c.cpf_cnpj, c.phones, c.neighbourhood, c.city
           FROM customer c JOIN hits h ON h.id = c.id
           ORDER BY c.name, c.id LIMIT $limit""",
        params,
    )


def fill_customer_search(cur: Cursor) -> int:
    """Fill `search_name` where rows were written in bulk without it; returns how many."""
    return len(
        cur.execute(
            "UPDATE customer SET search_name = lower(strip_accents(name)) "
            "WHERE search_name IS NULL RETURNING id"
        ).fetchall()
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
