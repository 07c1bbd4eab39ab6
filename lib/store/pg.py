"""PostgreSQL behind the store's interface (issue 18): `DESCONTO_DB=postgresql://…` selects it.

The store's SQL is written once, in the dialect both engines accept, with DuckDB's parameter
styles (`?` and `$name`). `PgCursor` adapts a psycopg cursor to what the store calls on a DuckDB
cursor: `execute(sql, params)` returning itself, `fetchall`, `fetchone`, `description`,
`close`, with the placeholders rewritten to psycopg's (`%s`, `%(name)s`). Where the engines
differ, the store keeps both versions side by side (see `DIALECT`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from lib.store import Store

# DuckDB spellings the schema uses that PostgreSQL lacks, defined once per database: `DOUBLE`
# as a type, `strip_accents()` (unaccent, from postgresql-contrib).
PREAMBLE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        WHERE t.typname = 'double' AND n.nspname = current_schema()) THEN
           EXECUTE 'CREATE DOMAIN double AS double precision';
         END IF;
       END $$""",
    "CREATE OR REPLACE FUNCTION strip_accents(text) RETURNS text LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS $f$ SELECT public.unaccent($1) $f$",
    # DuckDB's scalar functions the store calls, with DuckDB's meaning
    "CREATE OR REPLACE FUNCTION epoch_us(timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS $f$ SELECT (extract(epoch FROM $1) * 1000000)::bigint $f$",
    # make_timestamp(microseconds since the epoch): a TIMESTAMP (no zone), as DuckDB's
    "CREATE OR REPLACE FUNCTION make_timestamp(bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS $f$ SELECT to_timestamp($1 / 1000000.0) AT TIME ZONE 'UTC' $f$",
    "CREATE OR REPLACE FUNCTION contains(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS $f$ SELECT strpos($1, $2) > 0 $f$",
)

_TOKEN = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$[a-z_][a-z0-9_]*|\?|%|::|[^'\"$?%:]+|.", re.I
)


def translate(sql: str) -> str:
    """DuckDB's placeholders to psycopg's: `?` -> `%s`, `$name` -> `%(name)s`; a literal `%`
    doubled. String literals and quoted names are left as they are."""
    out = []
    for tok in _TOKEN.findall(sql):
        if tok == "?":
            out.append("%s")
        elif tok == "%":
            out.append("%%")
        elif tok.startswith("$") and len(tok) > 1 and not tok.startswith("$$"):
            out.append(f"%({tok[1:]})s")
        else:
            out.append(tok)
    return "".join(out)


class PgCursor:
    """A psycopg cursor with the slice of the DuckDB cursor API the store uses."""

    engine = "postgresql"  # lib.store.dialect picks PostgreSQL's spelling by it

    def __init__(self, conn: psycopg.Connection, release) -> None:
        self._conn = conn
        self._cur = conn.cursor()
        self._release = release

    def execute(self, sql: str, params: Any = None, /) -> PgCursor:
        if not params:  # psycopg reads placeholders (and `%%`) only when given parameters
            self._cur.execute(sql)
            return self
        self._cur.execute(translate(sql), params)
        return self

    def fetchall(self) -> list[tuple]:
        return self._cur.fetchall() if self._cur.description is not None else []

    def fetchmany(self, size: int = 1, /) -> list[tuple]:
        return self._cur.fetchmany(size) if self._cur.description is not None else []

    @property
    def raw(self) -> psycopg.Cursor:
        """The psycopg cursor itself (for COPY, in lib.store.transfer)."""
        return self._cur

    def fetchone(self) -> tuple | None:
        return self._cur.fetchone() if self._cur.description is not None else None

    @property
    def description(self):
        return self._cur.description

    def close(self) -> None:
        if self._release is not None:
            self._cur.close()
            self._release(self._conn)
            self._release = None


class PgStore(Store):
    """The PostgreSQL store: a pool of connections, one per use-case at a time."""

    engine = "postgresql"
    BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ"
    CONFLICTS = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)

    def __init__(
        self, url: str, *, read_only: bool = False, min_size: int = 1, max_size: int = 8
    ) -> None:
        del read_only
        self.path = url
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},
            configure=_configure,
            timeout=10,
            open=True,
        )
        with self._pool.connection() as conn, conn.transaction():
            # several servers starting at once: one at a time, or PostgreSQL refuses the
            # concurrent CREATE OR REPLACE ("tuple concurrently updated") and that server dies
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("preamble")])
            for statement in PREAMBLE:
                conn.execute(statement)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Several servers starting at once on one database take turns here: each holds a
        session advisory lock (on a connection of its own) while it creates the functions,
        migrates, or fills the demo. Concurrent CREATE statements of the same objects fail
        ("tuple concurrently updated", a duplicate key in the catalog), and the second server
        must see the first one's migrations before deciding what is left to apply."""
        key = _lock_key(name)
        # a connection outside the pool: the step's own transaction takes one from the pool
        with psycopg.connect(self.path, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [key])
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [key])

    def migrate(self, *, demo: bool = False) -> list[int]:
        with self.exclusive("schema"):
            return super().migrate(demo=demo)

    def cursor(self) -> PgCursor:
        conn = self._pool.getconn()
        return PgCursor(conn, self._pool.putconn)

    def serve(self, *, memory_limit_mb: int) -> None:
        del memory_limit_mb  # PostgreSQL's memory is its operators' to set

    def wal_bytes(self) -> int:
        return 0

    def checkpoint(self) -> None:
        return None

    def close(self) -> None:
        self._pool.close()


def _lock_key(name: str) -> int:
    """This app's advisory lock key for `name` (a 32-bit number of its own)."""
    return zlib.crc32(f"desconto-em-fatura:{name}".encode())


def _configure(conn: psycopg.Connection) -> None:
    conn.execute("SET TIME ZONE 'America/Sao_Paulo'")
