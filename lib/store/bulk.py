"""Bulk writes for generated data: DataFrames inserted in one statement, sequences moved past
explicit ids, and `generate_large`, which builds a big store for benchmarks mostly in SQL.

Run `python -m lib.store.bulk --db bench/large-1m.duckdb --tickets 1000000` to create a file.
"""

from __future__ import annotations

import re

import pandas as pd

from lib.store import Cursor

# Tables generated data may be written to, and the sequence behind each id.
SEQUENCES = {
    "customer": "seq_customer",
    "contract": "seq_contract",
    "login": "seq_login",
    "staff": "seq_staff",
    "ticket": "seq_ticket",
    "movement": "seq_movement",
}
_TABLES = {*SEQUENCES, "discount_request"}
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_SQL_TYPE = re.compile(r"^[A-Z]+(\(\d+(, ?\d+)?\))?$")


def _value(cur: Cursor, sql: str, params: list | None = None):
    """One value, fetching the whole result: DuckDB refuses `register` while a result is
    still open on the cursor (which `fetchone` leaves)."""
    return cur.execute(sql, params or []).fetchall()[0][0]


def insert_frame(
    cur: Cursor, table: str, df: pd.DataFrame, casts: dict[str, str] | None = None
) -> int:
    """Insert every row of `df` into `table` in one statement; returns the row count.

    `casts` maps a column to the SQL type it is cast to on the way in, e.g. a string column of
    money to DECIMAL(12,2), so the value lands exact (no float in between)."""
    casts = casts or {}
    cols = list(df.columns)
    if table not in _TABLES or not all(_IDENT.match(c) for c in cols):
        raise ValueError(f"insert_frame: {table} {cols}")
    if not all(_SQL_TYPE.match(t) for t in casts.values()):
        raise ValueError(f"insert_frame: casts {casts}")
    select = ", ".join(f"CAST({c} AS {casts[c]}) AS {c}" if c in casts else c for c in cols)
    view = f"df_{table}"
    cur.register(view, df)
    try:
        cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {view}")
    finally:
        cur.unregister(view)
    return len(df)


def next_ids(cur: Cursor) -> dict[str, int]:
    """The first free id of each generated table (contract ids start at 1000), and the first
    free protocol sequence number under "protocol"."""
    out = {
        table: int(_value(cur, f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))
        for table in SEQUENCES
    }
    out["contract"] = max(out["contract"], 1000)
    out["protocol"] = max_protocol_number(cur) + 1
    return out


def max_protocol_number(cur: Cursor) -> int:
    """The highest sequence number used in a protocol (its last 8 digits), 0 when none."""
    return int(
        _value(cur, "SELECT coalesce(max(CAST(right(protocol, 8) AS BIGINT)), 0) FROM ticket")
    )


def _advance(cur: Cursor, sequence: str, past: int) -> None:
    """Consume values of `sequence` until its next value is greater than `past`.

    DuckDB has no setval: draw the missing values in one statement."""
    current = int(_value(cur, f"SELECT nextval('{sequence}')"))
    missing = past - current
    if missing > 0:
        cur.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [missing])


def advance_sequences(cur: Cursor) -> None:
    """After inserting explicit ids, move every sequence past them so the app's next inserts
    (default ids, new protocols) never collide."""
    for table, sequence in SEQUENCES.items():
        _advance(cur, sequence, int(_value(cur, f"SELECT coalesce(max(id), 0) FROM {table}")))
    _advance(cur, "seq_protocol", max_protocol_number(cur))


def reference_ids(cur: Cursor) -> dict[str, dict[str, int]]:
    """Ids by name of the reference data migration 002 created."""
    out: dict[str, dict[str, int]] = {}
    for table, key in [
        ("department", "name"),
        ("subject", "name"),
        ("canned_response", "title"),
        ("process", "name"),
        ("complementary_status", "name"),
    ]:
        out[table] = dict(cur.execute(f"SELECT {key}, id FROM {table}").fetchall())
    return out


def insert_staff_missing(cur: Cursor, df: pd.DataFrame) -> dict[str, int]:
    """Insert the staff whose username is not taken yet (default ids); returns the ids of all
    of them by username."""
    cur.register("df_staff", df)
    try:
        cols = ", ".join(df.columns)
        cur.execute(
            f"INSERT INTO staff ({cols}) SELECT {cols} FROM df_staff "
            "WHERE username NOT IN (SELECT username FROM staff)"
        )
    finally:
        cur.unregister("df_staff")
    names = list(df["username"])
    found = cur.execute("SELECT username, id FROM staff WHERE username IN ?", [names]).fetchall()
    return dict(found)


def table_counts(cur: Cursor) -> dict[str, int]:
    return {
        t: int(_value(cur, f"SELECT count(*) FROM {t}"))
        for t in (
            "staff",
            "customer",
            "contract",
            "login",
            "ticket",
            "movement",
            "discount_request",
        )
    }
