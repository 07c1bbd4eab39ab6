"""The DuckDB store: the only package that speaks SQL. It imports nothing above it (only
lib.domain's errors and time zone): use-cases call it, and the demo hands it generated rows to
load.

One connection per process and a new cursor per call: a DuckDB connection shared by two threads
raises instead of waiting, and Streamlit runs every session (and parallel fragments) in threads.
Each cursor gets `SET TimeZone='America/Sao_Paulo'` so TIMESTAMPTZ values come back zone-aware
in São Paulo time. Use-cases run in `Store.transaction()`: BEGIN, COMMIT once, ROLLBACK on any
error, so nothing is half-written.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from lib.domain import StaleState

Cursor = duckdb.DuckDBPyConnection

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class Store:
    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path, read_only=read_only)
        self._lock = threading.Lock()

    # --- connections ------------------------------------------------------------------------
    def cursor(self) -> Cursor:
        with self._lock:  # creating cursors is cheap; guard the shared connection object itself
            cur = self._con.cursor()
        cur.execute("SET TimeZone = 'America/Sao_Paulo'")
        return cur

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        cur = self.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One unit of work: commits once at the end, rolls back on any exception."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except duckdb.TransactionException as exc:
            _rollback(cur)
            raise StaleState(
                "Outro usuário alterou este registro ao mesmo tempo. Recarregue e tente de novo."
            ) from exc
        except BaseException:
            _rollback(cur)
            raise
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()

    # --- schema -----------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the numbered migrations not applied yet, all in one transaction.

        Returns the versions applied now (empty on a second start).
        """
        files = sorted(
            (int(m.group(1)), f.name)
            for f in resources.files("lib.store").joinpath("migrations").iterdir()
            if (m := _MIGRATION_NAME.match(f.name))
        )
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
            )
            done = {
                row[0] for row in cur.execute("SELECT version FROM schema_migration").fetchall()
            }
            applied = []
            for version, name in files:
                if version in done:
                    continue
                sql = resources.files("lib.store").joinpath("migrations", name).read_text("utf-8")
                for statement in _split_sql(sql):
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_migration (version, name) VALUES (?, ?)", [version, name]
                )
                applied.append(version)
        return applied

    def schema_version(self) -> int:
        with self.read() as cur:
            row = cur.execute("SELECT max(version) FROM schema_migration").fetchone()
        assert row is not None  # an aggregate always returns one row
        return int(row[0] or 0)


def _rollback(cur: Cursor) -> None:
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (migrations hold no "--" or ";" inside strings)."""
    lines = [re.sub(r"--.*$", "", line) for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def rows(cur: Cursor, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict]:
    """Run a query and return its rows as dicts (DECIMAL stays Decimal, TIMESTAMPTZ stays aware)."""
    result = cur.execute(sql, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def one(cur: Cursor, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> dict | None:
    found = rows(cur, sql, params)
    return found[0] if found else None


def scalar(cur: Cursor, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
    # fetchall, not fetchone: DuckDB 2.0 refuses cursor.register() while a result is still open
    found = cur.execute(sql, params or []).fetchall()
    return found[0][0] if found else None
