"""The suite's rows on DuckDB and on PostgreSQL side by side (issue 18):

    python -m bench.suite --db FILE.duckdb --pg postgresql://…  [--repeat 9]

The PostgreSQL database is meant to be a copy of FILE (`python -m lib.admin copy --from FILE --to
URL`, then VACUUM ANALYZE); one with no tickets gets that copy here first. Every read row of
bench.suite runs on both stores, the four callables timed in turn in one loop (DuckDB's use-case,
its floor, PostgreSQL's use-case, its floor), so load that comes and goes on a shared machine
weighs on both engines alike. The floors are the same SQL on both engines (the median spelled
by lib.store.dialect). "pg/duck" is PostgreSQL's median over DuckDB's.

Writes: DuckDB on a copy of its file (as bench.open_request); PostgreSQL in the database itself,
which keeps the requests the rows open (about 160 a run: use a bench copy, never a real store).
With 8 writers each thread holds its own pooled connection (PgStore(url, max_size=18)), so the
8 saves are in flight on the server at once. Start-up: open_store on each beside a bare connect
and `SELECT max(version)`. Not here: the pandas baseline (DuckDB's `.df()`) and the real
server's rows (run the suite without --pg for them).
"""

from __future__ import annotations

import statistics
from contextlib import closing
from pathlib import Path

from bench import open_request
from bench.suite import p95, read_timed, times_alternating
from lib.store import Store, scalar
from lib.store.pg import PgStore

HEADER = (
    f"{'measure':<44}{'store':>7}{'duck ms':>9}{'p95':>8}{'floor':>8}"
    f"{'pg ms':>9}{'p95':>8}{'floor':>8}{'pg/duck':>8}"
)
WRITERS = (1, 8)


def open_pg(url: str, max_size: int = 4) -> PgStore:
    store = PgStore(url, max_size=max_size)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def tickets(store: Store) -> int:
    with store.read() as cur:
        return int(scalar(cur, "SELECT count(*) FROM ticket"))


def ensure_copied(db: Path, url: str) -> None:
    """Copy the DuckDB store into the PostgreSQL database when that holds no ticket yet, then
    ANALYZE it (the planner needs the statistics a copy does not write)."""
    from lib.store.transfer import copy_store

    with closing(open_pg(url)) as pg:
        if tickets(pg):
            return
        with closing(Store(db)) as source:
            copy_store(source, pg)
        with pg.read() as cur:
            cur.execute("ANALYZE")


def row_both(
    label: str,
    size: str,
    duck: list[float],
    duck_floor: list[float],
    pg: list[float],
    pg_floor: list[float],
) -> str:
    d, p = statistics.median(duck), statistics.median(pg)
    return (
        f"{label:<44}{size:>7}{d:9.1f}{p95(duck):8.1f}{statistics.median(duck_floor):8.1f}"
        f"{p:9.1f}{p95(pg):8.1f}{statistics.median(pg_floor):8.1f}{p / d:8.2f}"
    )


def read_rows(duck: Store, pg: Store, size: str, repeat: int) -> list[str]:
    """Each row on both engines, alternately. A row PostgreSQL cannot answer (an SQL spelling
    the PostgreSQL store does not translate yet) is measured on DuckDB alone and says why."""
    out = []
    for (label, d, d_raw), (label_pg, p, p_raw) in zip(
        read_timed(duck), read_timed(pg), strict=True
    ):
        assert label == label_pg
        try:
            p()
        except Exception as exc:  # noqa: BLE001 - reported in the row, the other rows go on
            mine, floor = times_alternating([d, d_raw], repeat)
            reason = str(exc).splitlines()[0][:60]
            out.append(
                f"{label:<44}{size:>7}{statistics.median(mine):9.1f}{p95(mine):8.1f}"
                f"{statistics.median(floor):8.1f}   PostgreSQL failed: {type(exc).__name__}: "
                + reason
            )
            continue
        out.append(row_both(label, size, *times_alternating([d, d_raw, p, p_raw], repeat)))
    return out


def start_rows(db: Path, url: str, size: str, repeat: int) -> list[str]:
    """open_store as the server's start runs it, beside a bare connection's first query."""
    import duckdb
    import psycopg

    from lib.bootstrap import open_store

    def duck_raw() -> None:
        con = duckdb.connect(str(db))
        con.execute("SELECT max(version) FROM schema_migration").fetchall()
        con.close()

    def pg_raw() -> None:
        with psycopg.connect(url) as con:
            con.execute("SELECT max(version) FROM schema_migration").fetchall()

    timed = times_alternating(
        [
            lambda: open_store(str(db), demo=False).close(),
            duck_raw,
            lambda: open_store(url, demo=False).close(),
            pg_raw,
        ],
        repeat,
    )
    return [row_both("start-up: open the store (server part)", size, *timed)]


def write_rows(db: Path, url: str, size: str, calls: int) -> list[str]:
    """Opening a request with 1 and 8 closed-loop writers, DuckDB's round then PostgreSQL's
    for each writer count; p99 beside the p95 (the 8-writer target is a p99)."""
    pct = open_request.pct
    out = []
    with (
        open_request.writable_copy(db) as duck,
        closing(open_pg(url, max_size=2 * max(WRITERS) + 2)) as pg,
    ):
        on_duck = open_request.Writes(duck, calls, len(WRITERS))
        on_pg = open_request.Writes(pg, calls, len(WRITERS))
        for threads in WRITERS:
            d, d_floor = on_duck.round(threads)
            p, p_floor = on_pg.round(threads)
            out.append(
                row_both(f"open a request, {threads} writer(s)", size, d, d_floor, p, p_floor)
                + f"   p99 {pct(d, 99):.1f} / {pct(p, 99):.1f}"
                + f" (floors {pct(d_floor, 99):.1f} / {pct(p_floor, 99):.1f})"
            )
        for name, writes in (("DuckDB", on_duck), ("PostgreSQL", on_pg)):
            if writes.refused:
                out.append(f"  {name}: {writes.refused} save(s) refused by a conflict")
    return out


def run_both(db: Path, url: str, repeat: int, smoke: bool) -> list[str]:
    from bench.suite import size_label
    from lib import config

    ensure_copied(db, url)
    duck = Store(db)
    duck.migrate()
    duck.serve(memory_limit_mb=config.duckdb_memory_mb())  # as the server runs it
    try:
        with closing(open_pg(url)) as pg:
            size = size_label(tickets(duck))
            lines = read_rows(duck, pg, size, repeat)
    finally:
        duck.close()
    lines += start_rows(db, url, size, max(1, repeat // 3))
    lines += write_rows(db, url, size, 8 if smoke else 40)
    return lines
