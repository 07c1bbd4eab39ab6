"""SQL for the IXC import and sync: customers, contracts and logins by their IXC id, and the
log of each run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from lib.domain import StaleState
from lib.store import ConstraintError, Cursor, bulk, one, rows, scalar
from lib.store import catalog as cat

TABLES = ("customer", "contract", "login")


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


# --- bulk: one read of what a file needs, one write per kind of change ----------------------


def rows_by_ixc_id(cur: Cursor, table: str) -> dict[int, dict]:
    """Every row of `table` that has an IXC id, by that id."""
    assert table in TABLES
    return {r["ixc_id"]: r for r in rows(cur, f"SELECT * FROM {table} WHERE ixc_id IS NOT NULL")}


def logins_by_username(cur: Cursor) -> dict[str, int | None]:
    """Every login's username (lower-cased): its IXC id (None for one made by hand)."""
    return {
        name: ixc
        for name, ixc in cur.execute("SELECT lower(username), ixc_id FROM login").fetchall()
    }


def insert_many(cur: Cursor, table: str, values: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same columns, in one statement: the values go as text
    (None stays NULL: a float column would turn it into NaN) and each is cast to its
    column's type (see bulk.frame_table)."""
    assert table in TABLES
    if not values:
        return
    if table == "customer":
        values = [{**v, "search_name": cat.search_key(v["name"])} for v in values]
    cols = list(values[0])
    frame = pd.DataFrame(
        {
            c: pd.Series([None if v[c] is None else str(v[c]) for v in values], dtype=object)
            for c in cols
        }
    )
    with bulk.frame_table(cur, "ixc_new_rows", frame, like=table) as new:
        _write(cur, f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {new}")


def update_many(cur: Cursor, table: str, changes: list[tuple[int, dict[str, Any]]]) -> None:
    """Update rows by id in one statement; every change carries the same columns (sent as
    text, like insert_many)."""
    assert table in TABLES
    if not changes:
        return
    if table == "customer":
        changes = [(i, {**v, "search_name": cat.search_key(v["name"])}) for i, v in changes]
    cols = list(changes[0][1])
    frame = pd.DataFrame(
        {
            "row_id": pd.Series([i for i, _ in changes], dtype="int64"),
            **{
                c: pd.Series(
                    [None if v[c] is None else str(v[c]) for _, v in changes], dtype=object
                )
                for c in cols
            },
        }
    )
    with bulk.frame_table(
        cur, "ixc_changed_rows", frame, like=table, sources={"row_id": "id"}
    ) as changed:
        _write(
            cur,
            f"UPDATE {table} SET {', '.join(f'{c} = u.{c}' for c in cols)} "
            f"FROM {changed} u WHERE {table}.id = u.row_id",
        )


def _write(cur: Cursor, sql: str) -> None:
    """Run a bulk write; another import writing the same IXC ids (or logins) at the same moment
    is a stale screen, not an unexpected error."""
    try:
        cur.execute(sql)
    except ConstraintError as exc:
        raise StaleState(
            "Outra importação gravou estes mesmos registros ao mesmo tempo. Simule de novo."
        ) from exc
