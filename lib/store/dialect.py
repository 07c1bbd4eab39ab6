"""Where DuckDB and PostgreSQL spell the same answer differently, both spellings, side by side
(issue 18). Everything else in the store is written once, in the SQL both accept; the DuckDB
names PostgreSQL lacks but can define (`strip_accents`, `epoch_us`, `contains`…)
are created on PostgreSQL by `lib.store.pg.PREAMBLE` instead.

A cursor says its engine: `PgCursor.engine` is "postgresql"; a DuckDB cursor has none.
"""

from __future__ import annotations

from typing import Any

DUCKDB = "duckdb"
POSTGRESQL = "postgresql"


def engine(cur: Any) -> str:
    return getattr(cur, "engine", DUCKDB)


def median(cur: Any, expr: str) -> str:
    """The median of `expr` (continuous: the mean of the two middle values)."""
    if engine(cur) == POSTGRESQL:
        return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {expr})"
    return f"median({expr})"


def quantiles(cur: Any, expr: str, fractions: tuple[float, ...]) -> str:
    """A list (array) of the continuous quantiles of `expr`, indexed from 1 on both engines."""
    listed = ", ".join(repr(float(f)) for f in fractions)
    if engine(cur) == POSTGRESQL:
        return f"percentile_cont(ARRAY[{listed}]) WITHIN GROUP (ORDER BY {expr})"
    return f"quantile_cont({expr}, [{listed}])"


def changed_rows(cur: Any, sql: str, params: Any = None) -> int:
    """Run an INSERT/UPDATE/DELETE without RETURNING and return how many rows it changed:
    DuckDB answers with a one-row result holding the count, PostgreSQL with the cursor's
    rowcount (its result is empty)."""
    if engine(cur) == POSTGRESQL:
        cur.execute(sql, params)
        return int(cur.raw.rowcount)
    return int(cur.execute(sql, params or []).fetchall()[0][0])
