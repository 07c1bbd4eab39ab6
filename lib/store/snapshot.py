"""Consistent copies of a store, made by DuckDB inside the process that holds it.

A file copy of a running store misses what is still in its `.wal`, and another process cannot
open the file at all. `copy_store` runs in the owning process: in one read transaction it counts
every table and runs `COPY FROM DATABASE` into a newly attached file, so the copy holds exactly
what was committed before the transaction began (writers carry on meanwhile: DuckDB's MVCC gives
the copy its snapshot), sequences included, so IDs and protocols continue without reuse.
`copy_file` does the same from a file on disk (a stopped server's store, or a backup to restore).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from lib.store import Cursor, Store, connect, scalar


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def table_counts(cur: Cursor, database: str) -> dict[str, int]:
    """Rows per table of `database` (an attached database's name)."""
    names = [
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY table_name",
            [database],
        ).fetchall()
    ]
    return {n: int(scalar(cur, f'SELECT count(*) FROM "{database}".main."{n}"')) for n in names}


def _copy(cur: Cursor, source: str, dest: Path) -> dict[str, int]:
    alias = f"snapshot_{uuid.uuid4().hex[:12]}"
    cur.execute(f"ATTACH {_literal(dest)} AS {alias}")
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            counts = table_counts(cur, source)
            cur.execute(f'COPY FROM DATABASE "{source}" TO {alias}')
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
    finally:
        cur.execute(f"DETACH {alias}")  # checkpoints the copy: no .wal is left beside it
    return counts


def copy_store(store: Store, dest: Path) -> dict[str, int]:
    """Copy the open store into the new file `dest`; returns the rows per table copied."""
    with store.read() as cur:
        return _copy(cur, str(scalar(cur, "SELECT current_database()")), dest)


def copy_file(source: Path, dest: Path) -> dict[str, int]:
    """Copy the store file `source` (opened read-only, its .wal included) into the new file
    `dest`; returns the rows per table copied."""
    con = connect(":memory:")
    try:
        con.execute(f"ATTACH {_literal(source)} AS snapshot_source (READ_ONLY)")
        try:
            return _copy(con, "snapshot_source", dest)
        finally:
            con.execute("DETACH snapshot_source")
    finally:
        con.close()


def file_counts(path: Path) -> dict[str, int]:
    """Rows per table of the store file at `path`, opened read-only."""
    con = connect(path, read_only=True)
    try:
        return table_counts(con, str(scalar(con, "SELECT current_database()")))
    finally:
        con.close()


def sequence_values(path: Path) -> dict[str, int | None]:
    """Each sequence's last value in the store file at `path` (None when never used)."""
    con = connect(path, read_only=True)
    try:
        return dict(
            con.execute(
                "SELECT sequence_name, last_value FROM duckdb_sequences()"
                " WHERE database_name = current_database()"
            ).fetchall()
        )
    finally:
        con.close()
