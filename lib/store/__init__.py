"""The DuckDB store: the only package that speaks SQL. It imports nothing above it (only
lib.domain's errors and time zone): use-cases call it, and the demo hands it generated rows to
load.

One connection per process and a new cursor per call: a DuckDB connection shared by two threads
raises instead of waiting, and Streamlit runs every session (and parallel fragments) in threads.
The connection sets `SET GLOBAL TimeZone='America/Sao_Paulo'` once, which every cursor inherits,
so TIMESTAMPTZ values come back zone-aware in São Paulo time (a `SET` per cursor cost a use-case
a statement per cursor). Use-cases run in `Store.transaction()`: BEGIN, COMMIT once, ROLLBACK on any
error, so nothing is half-written.
"""

from __future__ import annotations

import functools
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

import duckdb

from lib.domain import StaleState


class Cursor(Protocol):
    """What the store calls on a cursor, and both engines' cursors have: a DuckDB connection's
    cursor, and lib.store.pg.PgCursor over psycopg. DuckDB-only calls (`register`, for bulk
    loads) narrow the cursor to `duckdb.DuckDBPyConnection` where the dialect is DuckDB's."""

    def execute(self, query: str, parameters: Any = ..., /) -> Cursor: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...
    def fetchmany(self, size: int = ..., /) -> list[Any]: ...
    @property
    def description(self) -> Any: ...
    def close(self) -> None: ...


# The errors the store and use-cases catch, on either engine (issue 18): a constraint refused
# the row, two transactions conflicted, or anything the database raised.
try:
    import psycopg

    _PG_CONSTRAINT: tuple[type[Exception], ...] = (psycopg.errors.IntegrityError,)
    _PG_CONFLICT: tuple[type[Exception], ...] = (
        psycopg.errors.SerializationFailure,
        psycopg.errors.DeadlockDetected,
    )
    _PG_ERROR: tuple[type[Exception], ...] = (psycopg.Error,)
except ImportError:  # PostgreSQL is optional: a DuckDB-only install has no psycopg
    _PG_CONSTRAINT = _PG_CONFLICT = _PG_ERROR = ()
ConstraintError: tuple[type[Exception], ...] = (duckdb.ConstraintException, *_PG_CONSTRAINT)
ConflictError: tuple[type[Exception], ...] = (duckdb.TransactionException, *_PG_CONFLICT)
StoreError: tuple[type[Exception], ...] = (duckdb.Error, *_PG_ERROR)


class WriteConflict(StaleState):
    """Two transactions wrote the same rows at once and the engine refused this one (DuckDB's
    write-write conflict, PostgreSQL's serialization failure or deadlock). A use-case marked
    `@retrying` runs again on a fresh snapshot; the user sees this message only when every
    attempt conflicted."""

    def __init__(
        self,
        message: str = "Outro usuário alterou este registro ao mesmo tempo. "
        "Recarregue e tente de novo.",
    ) -> None:
        super().__init__(message)  # a caller may prefix it: type(exc)(f"Protocolo …: {exc}")


# A conflicting use-case runs at most this many times. Every round of conflicts lets at least
# one writer commit (PostgreSQL makes the later writer wait for the first to finish, then fail;
# DuckDB fails the later writer at once), so k writers on one row need at most k attempts.
CONFLICT_ATTEMPTS = 5
CONFLICT_BACKOFF_S = 0.01  # the first wait's upper bound; doubled per attempt, with jitter
_attempting = threading.local()
P = ParamSpec("P")
R = TypeVar("R")


def retrying(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run `use_case` again when its transaction loses a write conflict (WriteConflict), up to
    CONFLICT_ATTEMPTS times, waiting a short random while between attempts. Only for use-cases
    that are one transaction and do nothing outside it: each attempt starts from nothing and
    re-reads the state it checks, so a conditional update bound to the screen's state refuses
    with its own message once the other writer's change is visible. A retrying use-case called
    by another one does not retry on its own: the outermost one does."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if getattr(_attempting, "depth", 0):
            return use_case(*args, **kwargs)
        _attempting.depth = 1
        try:
            for attempt in range(1, CONFLICT_ATTEMPTS + 1):
                try:
                    return use_case(*args, **kwargs)
                except WriteConflict:
                    if attempt == CONFLICT_ATTEMPTS:
                        raise
                    time.sleep(random.uniform(0, CONFLICT_BACKOFF_S * 2**attempt))
            raise AssertionError("unreachable")
        finally:
            _attempting.depth = 0

    return run


_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Nothing is downloaded or loaded behind our back: a SQLite file (or any file a known extension
# reads) would otherwise make DuckDB fetch an extension from the internet.
TIME_ZONE = "America/Sao_Paulo"
# The server's automatic-checkpoint threshold (see Store.serve): far above what the background
# checkpointer lets the .wal grow to.
SERVER_CHECKPOINT_THRESHOLD = "1GiB"
CONNECT_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A raw DuckDB connection with the app's configuration (for inspecting files and backups)."""
    return duckdb.connect(str(path), read_only=read_only, config=dict(CONNECT_CONFIG))


def migration_files() -> list[tuple[int, str]]:
    """The numbered migrations this code knows, in order: (version, file name)."""
    return sorted(
        (int(m.group(1)), f.name)
        for f in resources.files("lib.store").joinpath("migrations").iterdir()
        if (m := _MIGRATION_NAME.match(f.name))
    )


_ENGINE_LINE = re.compile(r"^-- engine: (duckdb|postgresql)\s*$", re.M)


def migration_engine(sql: str) -> str | None:
    """The one engine a migration is for (a first line `-- engine: postgresql`), or None: most
    are written once, in the SQL both engines accept."""
    first = sql.lstrip().splitlines()[0] if sql.strip() else ""
    found = _ENGINE_LINE.match(first)
    return found.group(1) if found else None


def is_postgres(path: str | Path) -> bool:
    """DESCONTO_DB names a PostgreSQL database (a URL) rather than a DuckDB file."""
    return str(path).startswith(("postgresql://", "postgres://"))


_URL_PASSWORD = re.compile(r"^(postgres(?:ql)?://[^:/@]*):[^/?#]*@")


def without_password(path: str | Path) -> str:
    """A URL a command line can take as it is: the password left out, so libpq reads it from
    PGPASSWORD or ~/.pgpass (a *** in its place would be sent as the password)."""
    return _URL_PASSWORD.sub(r"\1@", str(path))


def shown(path: str | Path) -> str:
    """The store's name as logs and screens may show it: a URL's password replaced by ***."""
    return _URL_PASSWORD.sub(r"\1:***@", str(path))


class Store:
    engine = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con: duckdb.DuckDBPyConnection = connect(self.path, read_only=read_only)
        # once for the whole database instance: every cursor inherits it (issue 17)
        self._con.execute(f"SET GLOBAL TimeZone = '{TIME_ZONE}'")
        self._lock = threading.Lock()

    # --- connections ------------------------------------------------------------------------
    def cursor(self) -> Cursor:
        with self._lock:  # creating cursors is cheap; guard the shared connection object itself
            return self._con.cursor()  # inherits the global TimeZone set in __init__

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        cur = self.cursor()
        try:
            yield cur
        finally:
            cur.close()

    # How a transaction begins, and what the engine raises when it refuses a later writer
    # (lib.store.pg.PgStore has PostgreSQL's).
    BEGIN = "BEGIN TRANSACTION"
    CONFLICTS: tuple[type[Exception], ...] = (duckdb.TransactionException,)

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One unit of work: commits once at the end, rolls back on any exception."""
        cur = self.cursor()
        cur.execute(self.BEGIN)
        try:
            yield cur
            cur.execute("COMMIT")
        except self.CONFLICTS as exc:
            _rollback(cur)
            raise WriteConflict() from exc
        except BaseException:
            _rollback(cur)
            raise
        finally:
            cur.close()

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Run a start-up step (`name`: "schema", "demo") in one server at a time. A DuckDB file
        has one server, whose runtime already runs them once (lib.runtime); see PgStore's."""
        del name
        yield

    def serve(self, *, memory_limit_mb: int) -> None:
        """Settings for the long-running server: DuckDB's memory capped (its default is 80% of
        the machine's RAM), and no automatic checkpoint inside a committing request (the
        default threshold, 16 MiB of .wal, made one unlucky save pay for writing the whole
        .wal into the file). The server's `Checkpointer` thread checkpoints instead; the high
        threshold is only a safety net should that thread fall behind."""
        with self.read() as cur:
            cur.execute(f"SET GLOBAL memory_limit = '{int(memory_limit_mb)}MB'")
            cur.execute(f"SET GLOBAL checkpoint_threshold = '{SERVER_CHECKPOINT_THRESHOLD}'")

    def wal_bytes(self) -> int:
        """The size of the store's .wal (0 when there is none, or in memory)."""
        try:
            return Path(f"{self.path}.wal").stat().st_size
        except OSError:
            return 0

    def checkpoint(self) -> None:
        """Write what the .wal holds into the file (fails while a transaction is running)."""
        with self.read() as cur:
            cur.execute("CHECKPOINT")

    def close(self) -> None:
        self._con.close()

    # --- schema -----------------------------------------------------------------------------
    def migrate(self, *, demo: bool = False) -> list[int]:
        """Apply the numbered migrations not applied yet, all in one transaction.

        A store migrated from nothing records in `store_info` that it belongs to this app and
        whether it is a demo store (`demo`); a store created before `store_info` existed gets
        its row from what it holds (see `_record_identity`). Returns the versions applied now
        (empty on a second start).
        """
        files = migration_files()
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
                if migration_engine(sql) in (None, self.engine):
                    for statement in _split_sql(sql):
                        cur.execute(statement)
                # else: another engine's (indexes only it needs); recorded here as applied, so
                # both engines' stores have the same versions and copy into each other
                cur.execute(
                    "INSERT INTO schema_migration (version, name) VALUES (?, ?)", [version, name]
                )
                applied.append(version)
            if applied:
                _record_identity(cur, demo=demo, created_now=not done)
        return applied

    def schema_version(self) -> int:
        with self.read() as cur:
            row = cur.execute("SELECT max(version) FROM schema_migration").fetchone()
        assert row is not None  # an aggregate always returns one row
        return int(row[0] or 0)


APP_ID = "desconto-em-fatura"
# The demo's users (lib.demo.isp): a store holding customers and no other user who can log in
# was filled by the demo before store_info existed.
DEMO_USERNAMES = ("atendente", "financeiro", "supervisor")


def _record_identity(cur: Cursor, *, demo: bool, created_now: bool) -> None:
    """Write store_info's one row once: at creation with the `demo` the caller chose, or, on a
    store created before migration 060, demo only when it already holds the demo's customers
    and no user outside the demo's three (an empty or real store is never made a demo)."""
    if scalar(cur, "SELECT count(*) FROM store_info"):
        return
    if created_now:
        is_demo = demo
        origin = "criada"
    else:
        is_demo = bool(
            scalar(
                cur,
                """SELECT (SELECT count(*) FROM customer) > 0
                          AND NOT EXISTS (SELECT 1 FROM staff WHERE password_hash IS NOT NULL
                                          AND username NOT IN (?, ?, ?))""",
                list(DEMO_USERNAMES),
            )
        )
        origin = "anterior"
    cur.execute(
        "INSERT INTO store_info (id, app, demo, origin) VALUES (1, ?, ?, ?)",
        [APP_ID, is_demo, origin],
    )


def _rollback(cur: Cursor) -> None:
    try:
        cur.execute("ROLLBACK")
    except StoreError:
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
