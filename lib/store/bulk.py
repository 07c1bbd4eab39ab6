"""Bulk writes for generated data: DataFrames inserted in one statement (on either engine),
sequences moved past explicit ids, and the counts a load reports. The big benchmark stores are
generated in SQL by lib.store.large_stores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from lib.store import Cursor, dialect

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


# --- a DataFrame as a table of the caller's transaction, on either engine (issue 18) ---------


@contextmanager
def frame_table(
    cur: Any, name: str, df: pd.DataFrame, like: str, sources: dict[str, str] | None = None
) -> Iterator[str]:
    """Make `df` readable as the table `name` inside the caller's transaction, for the
    INSERT … SELECT or UPDATE … FROM that follows; it is gone afterwards.

    DuckDB reads the frame itself (`register`). PostgreSQL cannot: the rows are COPYed into a
    TEMP table ON COMMIT DROP whose columns take the types of `like`'s columns of the same name
    (or of the expression over `like` that `sources` gives a column, e.g. {"row_id": "id"}), so
    values sent as text land as those types, as DuckDB's INSERT casts them."""
    if not _IDENT.match(name) or not _IDENT.match(like):
        raise ValueError(f"frame_table: {name} {like}")
    if dialect.engine(cur) == dialect.POSTGRESQL:
        loaded = _frame_copied_postgresql(cur, name, df, like, sources or {})
    else:
        loaded = _frame_registered_duckdb(cur, name, df)
    with loaded:
        yield name


@contextmanager
def _frame_registered_duckdb(cur: Any, name: str, df: pd.DataFrame) -> Iterator[None]:
    cur.register(name, df)
    try:
        yield
    finally:
        cur.unregister(name)


@contextmanager
def _frame_copied_postgresql(
    cur: Any, name: str, df: pd.DataFrame, like: str, sources: dict[str, str]
) -> Iterator[None]:
    cols = list(df.columns)
    if not all(_IDENT.match(c) for c in cols):
        raise ValueError(f"frame_table: {cols}")
    select = ", ".join(f"{sources[c]} AS {c}" if c in sources else c for c in cols)
    cur.execute(
        f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {select} FROM {like} WITH NO DATA"
    )
    with cur.raw.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in python_rows(df):
            copy.write_row(row)
    yield
    # dropped at once, so the same name can serve again in this transaction (after an error
    # the transaction is aborted and rolls the table back with it)
    cur.execute(f"DROP TABLE {name}")


def python_rows(df: pd.DataFrame) -> Iterable[tuple]:
    """The frame's rows as tuples of plain Python values, None for every missing one (NaN,
    NaT, pd.NA)."""
    plain = df.astype(object)
    plain = plain.where(plain.notna(), None)
    return plain.itertuples(index=False, name=None)


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
    into = list(cols)
    if table == "customer" and "name" in cols and "search_name" not in cols:
        # customers arrive with their search column, so no start has to fill it (issue 17)
        select += ", lower(strip_accents(name)) AS search_name"
        into.append("search_name")
    with frame_table(cur, f"df_{table}", df, like=table) as view:
        cur.execute(f"INSERT INTO {table} ({', '.join(into)}) SELECT {select} FROM {view}")
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

    DuckDB has no setval: draw the missing values in one statement. PostgreSQL has no range()
    but sets the sequence."""
    current = int(_value(cur, f"SELECT nextval('{sequence}')"))
    missing = past - current
    if missing <= 0:
        return
    if dialect.engine(cur) == dialect.POSTGRESQL:
        cur.execute("SELECT setval(?, ?)", [sequence, past])
    else:
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
    with frame_table(cur, "df_staff", df, like="staff") as view:
        cols = ", ".join(df.columns)
        cur.execute(
            f"INSERT INTO staff ({cols}) SELECT {cols} FROM {view} "
            "WHERE username NOT IN (SELECT username FROM staff)"
        )
    names = list(df["username"])
    found = cur.execute(
        "SELECT username, id FROM staff WHERE username IN (SELECT unnest(?::VARCHAR[]))", [names]
    ).fetchall()
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
