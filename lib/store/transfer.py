"""Moving a store between engines (issue 18): every table and sequence of one store copied into
another, DuckDB -> PostgreSQL or back, and the counts checked.

The destination is migrated to the source's schema first (the same numbered migrations run on
both engines), then, in one transaction, each table is emptied and filled with the source's rows
read in one snapshot, and each sequence is moved to the source's last value, so IDs and
protocols carry on without repeats. Nothing is half-copied: a failure rolls the destination
back. The schema has no foreign keys, so tables go in any order.

Both spellings sit side by side here, as everywhere the engines differ: listing tables and
sequences, writing rows in bulk (PostgreSQL's COPY, DuckDB's INSERT from an Arrow table), and
setting a sequence (PostgreSQL's setval; DuckDB has none, so its sequence is advanced).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from lib.store import Store, dialect, scalar

BATCH = 50_000


def tables(cur: Any) -> list[str]:
    if dialect.engine(cur) == dialect.POSTGRESQL:
        sql = (
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " ORDER BY table_name"
        )
    else:
        sql = (
            "SELECT table_name FROM duckdb_tables()"
            " WHERE database_name = current_database() AND schema_name = 'main'"
            " ORDER BY table_name"
        )
    return [r[0] for r in cur.execute(sql).fetchall()]


def sequences(cur: Any) -> dict[str, int | None]:
    """Each sequence's last value (None when never used)."""
    if dialect.engine(cur) == dialect.POSTGRESQL:
        sql = (
            "SELECT sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() ORDER BY sequencename"
        )
    else:
        sql = (
            "SELECT sequence_name, last_value FROM duckdb_sequences()"
            " WHERE database_name = current_database() ORDER BY sequence_name"
        )
    return {
        name: (None if value is None else int(value)) for name, value in cur.execute(sql).fetchall()
    }


def columns(cur: Any, table: str) -> list[str]:
    found = cur.execute(f'SELECT * FROM "{table}" LIMIT 0')
    return [d[0] for d in found.description]


def counts(cur: Any) -> dict[str, int]:
    return {t: int(scalar(cur, f'SELECT count(*) FROM "{t}"')) for t in tables(cur)}


def _write(cur: Any, table: str, cols: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in cols)
    if dialect.engine(cur) == dialect.POSTGRESQL:
        with cur.raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    else:
        frame = pa.Table.from_arrays(
            [pa.array([r[i] for r in rows]) for i in range(len(cols))], names=cols
        )
        cur.register("transfer_rows", frame)
        try:
            cur.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM transfer_rows')
        finally:
            cur.unregister("transfer_rows")


def _set_sequence(cur: Any, name: str, value: int | None) -> None:
    if value is None:
        return
    if dialect.engine(cur) == dialect.POSTGRESQL:
        cur.execute("SELECT setval(?, ?)", [name, value])
        return
    # DuckDB has no setval: draw the sequence forward to the value (from its start value when
    # it was never used: some sequences start at 1000)
    last, start = cur.execute(
        "SELECT last_value, start_value FROM duckdb_sequences()"
        " WHERE database_name = current_database() AND sequence_name = ?",
        [name],
    ).fetchall()[0]
    missing = value - int(last) if last is not None else value - int(start) + 1
    if missing > 0:
        cur.execute(f"SELECT max(nextval('{name}')) FROM range(?)", [missing])


def copy_store(source: Store, dest: Store) -> dict[str, int]:
    """Copy every table and sequence of `source` into `dest` (migrated here to the same schema;
    whatever it held is replaced). Returns the rows per table; raises when a count differs."""
    dest.migrate()
    if dest.schema_version() != source.schema_version():
        raise ValueError(
            f"Versões diferentes: origem {source.schema_version()}, destino "
            f"{dest.schema_version()}. Atualize o programa antes de copiar."
        )
    copied: dict[str, int] = {}
    with source.transaction() as src, dest.transaction() as dst:
        names = tables(src)
        missing = set(names) - set(tables(dst))
        if missing:
            raise ValueError(f"Tabelas ausentes no destino: {', '.join(sorted(missing))}")
        for table in names:
            cols = columns(src, table)
            dst.execute(f'DELETE FROM "{table}"')
            result = src.execute(f'SELECT * FROM "{table}"')
            n = 0
            while True:
                rows = result.fetchmany(BATCH)
                if not rows:
                    break
                _write(dst, table, cols, rows)
                n += len(rows)
            copied[table] = n
        for name, value in sequences(src).items():
            _set_sequence(dst, name, value)
        after = {t: int(scalar(dst, f'SELECT count(*) FROM "{t}"')) for t in names}
        if after != copied:
            wrong = sorted(t for t in names if after[t] != copied[t])
            raise ValueError(f"Contagens diferentes depois da cópia: {', '.join(wrong)}")
    return copied
