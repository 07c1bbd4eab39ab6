"""SQL for the IXC import and sync: customers, contracts and logins by their IXC id, and the
log of each run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lib.store import Cursor, one, rows, scalar
from lib.store import catalog as cat

TABLES = ("customer", "contract", "login")


def by_ixc_id(cur: Cursor, table: str, ixc_id: int) -> dict | None:
    assert table in TABLES
    return one(cur, f"SELECT * FROM {table} WHERE ixc_id = ?", [ixc_id])


def login_by_username(cur: Cursor, username: str) -> dict | None:
    return one(cur, "SELECT * FROM login WHERE lower(username) = lower(?)", [username])


def insert(cur: Cursor, table: str, values: dict[str, Any]) -> int:
    assert table in TABLES
    if table == "customer":
        return cat.insert_customer(cur, **values)
    if table == "contract":
        return cat.insert_contract(cur, **values)
    return cat.insert_login(cur, **values)


def update(cur: Cursor, table: str, row_id: int, values: dict[str, Any]) -> None:
    assert table in TABLES
    values = dict(values)
    if table == "customer" and "name" in values:
        values["search_name"] = cat.search_key(values["name"])
    sets = ", ".join(f"{c} = ?" for c in values)
    cur.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])


def log_run(
    cur: Cursor,
    *,
    source: str,
    kind: str,
    file_name: str,
    staff_id: int | None,
    started_at: datetime,
    counts: dict[str, int],
) -> int:
    return int(
        scalar(
            cur,
            "INSERT INTO ixc_import (source, kind, file_name, staff_id, started_at, created, "
            "updated, unchanged, refused) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                source,
                kind,
                file_name,
                staff_id,
                started_at,
                counts["criar"],
                counts["atualizar"],
                counts["sem_mudanca"],
                counts["recusar"],
            ],
        )
    )


def recent_runs(cur: Cursor, limit: int = 20) -> list[dict]:
    return rows(
        cur,
        "SELECT i.*, s.name AS staff FROM ixc_import i LEFT JOIN staff s ON s.id = i.staff_id "
        "ORDER BY i.id DESC LIMIT ?",
        [limit],
    )


def last_sync(cur: Cursor, kind: str) -> datetime | None:
    return scalar(
        cur,
        "SELECT max(started_at) FROM ixc_import WHERE source = 'api' AND kind = ?",
        [kind],
    )
