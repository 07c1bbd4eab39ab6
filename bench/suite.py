"""One table of the app's performance figures, each beside the plainest raw DuckDB SQL for the
same answer timed in the same run (and a naive pandas baseline where one exists).

    python -m bench.suite [--db FILE] [--repeat 9]      the 1M store (built under /tmp if missing)
    python -m bench.suite --ten-million --db10 FILE     the 10M store as well
    python -m bench.suite --smoke                       10k tickets, one repetition (make test)
    python -m bench.suite --pg postgresql://…           the same rows on PostgreSQL beside DuckDB
                                                        (bench.engines)

Rows: the Atendimentos list (filters, sorts, search, a deep page: page + counts), the counts
alone, the charts use-case, opening a discount request with 1 and 8 writers (on a copy of the
store), opening the store as the server's start does, this process's peak RSS, and (not in
--smoke) the real server from bench.server_rerun: start-up to the login page, a warm rerun of
every page timed by a hook in Streamlit's script runner, and the server's RSS after them all. Times are
medians and p95 in ms; "x floor" is the use-case over the raw SQL. The load average is printed
with the table: this machine has 2 cores and other work runs on it.
Faturamento's rows: the period's summary and a page of its candidates (billing_rows).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from lib import config
from lib.auth import Role, User
from lib.store import Store, dialect, is_postgres, scalar
from lib.store import ticket_list as q
from lib.usecases import reports
from lib.usecases.ticket_list import Filters, browse, browse_total, status_matrix

DEFAULT_1M = Path("/tmp/desconto-bench/large-1m.duckdb")
USER = User(0, "bench", "Bench", Role.SUPERVISOR)
HEADER = (
    f"{'measure':<44}{'store':>7}{'med ms':>9}{'p95 ms':>9}{'raw ms':>9}{'x floor':>8}"
    f"{'pandas ms':>10}"
)


def times_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm: a running server has its buffer pool warm
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def times_alternating(fns: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """`times_ms` for several callables run in turn, one repetition of each at a time: on a
    shared machine, load that comes and goes then weighs on all alike instead of on whichever
    ran last (a use-case and its floor; with --pg, the same on both engines)."""
    for fn in fns:
        fn()
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, out, strict=True):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
    return out


def times_paired_ms(
    fn: Callable[[], object], raw: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """`times_ms` for a use-case and its floor, run alternately."""
    mine, floor = times_alternating([fn, raw], repeat)
    return mine, floor


def p95(values: list[float]) -> float:
    from bench.open_request import pct

    return pct(values, 95)


def row(
    label: str,
    size: str,
    mine: list[float],
    raw: list[float] | None = None,
    pandas: list[float] | None = None,
) -> str:
    med = statistics.median(mine)
    raw_med = statistics.median(raw) if raw else None
    return (
        f"{label:<44}{size:>7}{med:9.1f}{p95(mine):9.1f}"
        + (f"{raw_med:9.1f}{med / raw_med:8.2f}" if raw_med else f"{'':9}{'':8}")
        + (f"{statistics.median(pandas):10.1f}" if pandas else "")
    )


def size_label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


# --- the raw floors: the plainest SQL for the same answer ----------------------------------


def _join(where: str, sort: str = "") -> str:
    """The discount join only when the answer needs a discount column."""
    return (
        " LEFT JOIN discount_request dr ON dr.ticket_id = t.id"
        if "dr." in where or sort == "prazo"
        else ""
    )


def raw_list(
    store: Store, f: Filters, after: tuple | None = None, *, matrix: bool = True
) -> tuple[list, list]:
    """Page 1 (or the page after the key `after`) of 50 rows in the same order, with every
    column the table shows (names, the request's decision, amounts and deadline), plus the
    status x department counts over the same WHERE: one plain query each. The page is picked
    in a subquery and then joined to the names; the discount table is joined in it only when
    the WHERE or the order needs it. `matrix=False`: a plain count(*) instead, as the page
    counts while its count matrix is closed. (Until issue 17 this floor read four ticket columns and
    no name, and sorted "by deadline" by the bare deadline, not the page's open/closed/none
    order: it gave a smaller, different answer.)"""
    counts_where, counts_params = q.where_clause(f, f.period())
    key, direction = q.SORTS[f.sort]
    where, params = counts_where, counts_params
    if after is not None:
        op = "<" if direction == "DESC" else ">"
        where, params = f"{where} AND ({key}, t.id) {op} (?, ?)", [*params, *after]
    with store.read() as cur:
        page = cur.execute(
            f"""SELECT p.id, p.protocol, p.opened_at, p.status, p.priority, s.name, d.name,
                       c.name, r.name, dr.decision, dr.computed_amount, dr.approved_amount,
                       dr.deadline
                FROM (SELECT t.*, {key} AS k FROM ticket t{_join(where, f.sort)}
                      WHERE {where} ORDER BY k {direction}, t.id {direction} LIMIT 50) p
                JOIN subject s ON s.id = p.subject_id
                JOIN department d ON d.id = p.department_id
                LEFT JOIN customer c ON c.id = p.customer_id
                LEFT JOIN staff r ON r.id = p.responsible_id
                LEFT JOIN discount_request dr ON dr.ticket_id = p.id
                ORDER BY p.k {direction}, p.id {direction}""",
            params,
        ).fetchall()
        if not matrix:
            total = cur.execute(
                f"SELECT count(*) FROM ticket t{_join(counts_where)} WHERE {counts_where}",
                counts_params,
            ).fetchall()
            return page, total
        return page, raw_counts_on(cur, counts_where, counts_params)


def raw_counts_on(cur, where: str, params) -> list:
    return cur.execute(
        f"""SELECT t.status, t.department_id, count(*) FROM ticket t{_join(where)}
            WHERE {where} GROUP BY t.status, t.department_id""",
        params,
    ).fetchall()


def raw_counts(store: Store, f: Filters) -> None:
    where, params = q.where_clause(f, f.period())
    with store.read() as cur:
        raw_counts_on(cur, where, params)


def pandas_list(store: Store) -> None:
    with store.read() as cur:
        df = cur.execute("SELECT t.id, t.opened_at, t.status, t.department_id FROM ticket t").df()
    df.sort_values(["opened_at", "id"], ascending=False).head(50)
    df.groupby(["status", "department_id"]).size()


def raw_charts(store: Store, filters: reports.Filters) -> None:
    """The period's discount rows aggregated by reason, month and decision in SQL, the
    smallest set of the charts' figures, without the page's headline and views. The median
    is DuckDB's `median` or PostgreSQL's `percentile_cont(0.5)` (lib.store.dialect)."""
    previous_start, start, end = filters.bounds()
    with store.read() as cur:
        cur.execute(
            f"""SELECT reason, decision, date_trunc('month', opened_at) AS m, count(*),
                       sum(approved_amount), {dialect.median(cur, "minutes")}
                FROM report_discount WHERE opened_at >= ? AND opened_at < ? GROUP BY 1, 2, 3""",
            [start, end],
        ).fetchall()
        cur.execute(
            "SELECT count(*) FROM report_discount WHERE opened_at >= ? AND opened_at < ?",
            [previous_start, start],
        ).fetchall()


def raw_billing(store: Store, days: list[int], offset: int) -> None:
    """The Faturamento summary and one page, plainly: the candidates (approved, ticket in
    progress, not out in billing, contract due in the period) joined live, counted and summed
    per due day, and the page's 50 ids in the batch's order."""
    base = f"""FROM discount_request dr JOIN ticket t ON t.id = dr.ticket_id
               JOIN contract ct ON ct.id = dr.contract_id
               WHERE dr.decision = 'aprovado' AND t.status = 'EP'
                 AND ct.due_day IN ({", ".join(map(str, days))})
                 AND dr.ticket_id NOT IN (SELECT ticket_id FROM billing_pending)"""
    with store.read() as cur:
        cur.execute(
            f"SELECT ct.due_day, count(*), sum(dr.approved_amount) {base} GROUP BY ct.due_day"
        ).fetchall()
        cur.execute(
            f"SELECT dr.ticket_id {base} ORDER BY dr.decided_at, dr.ticket_id LIMIT 50 OFFSET ?",
            [offset],
        ).fetchall()


# --- the sections -----------------------------------------------------------------------------


def list_cases(store: Store) -> dict[str, Filters]:
    """The list's filters the suite times (tests/unit/test_bench_floors.py checks that each
    floor gives the same rows and counts as the page)."""
    with store.read() as cur:
        fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
        name = scalar(cur, "SELECT name FROM customer ORDER BY id DESC LIMIT 1") or "Maria"
    today = date.today()
    return {
        "list: no filter": Filters(),
        "list: status Novo+Em progresso": Filters(status=("N", "EP")),
        "list: no filter, by deadline": Filters(sort="prazo"),
        "list: FINANCEIRO pendente, by deadline": Filters(
            departments=(fin,), decision="pendente", sort="prazo"
        ),
        "list: customer-name search": Filters(search=" ".join(name.split()[:2])),
        "list: one month": Filters(
            date_from=today - timedelta(days=60), date_to=today - timedelta(days=30)
        ),
    }


def half_way_key(store: Store) -> tuple | None:
    """The key of the page half-way down the unfiltered list."""
    total = status_matrix(store, USER, Filters()).total
    with store.read() as cur:
        return cur.execute(
            "SELECT opened_at, id FROM ticket ORDER BY opened_at DESC, id DESC LIMIT 1 OFFSET ?",
            [max(0, total // 2 - 1)],
        ).fetchone()


# A row's measure on one store: (label, the use-case, its raw floor)
Case = tuple[str, Callable[[], object], Callable[[], object]]


def list_timed(store: Store) -> list[Case]:
    """The list's rows: each filter's page + counts, a deep page (matrix open, then closed as
    the page draws it by default: ui/ticket_list/counts.py), the counts alone."""
    cases = list_cases(store)
    out: list[Case] = [
        (label, lambda f=f: browse(store, USER, f), lambda f=f: raw_list(store, f))
        for label, f in cases.items()
    ]
    key = half_way_key(store)
    out.append(
        (
            "list: a page half-way down",
            lambda: browse(store, USER, Filters(), after=key),
            lambda: raw_list(store, Filters(), after=key),
        )
    )
    out.append(
        (
            "list: half-way down, matrix closed (total)",
            lambda: browse_total(store, USER, Filters(), after=key),
            lambda: raw_list(store, Filters(), after=key, matrix=False),
        )
    )
    for label, f in (
        ("counts: no filter", Filters()),
        ("counts: status N+EP", cases["list: status Novo+Em progresso"]),
    ):
        out.append(
            (label, lambda f=f: status_matrix(store, USER, f), lambda f=f: raw_counts(store, f))
        )
    return out


def chart_timed(store: Store) -> list[Case]:
    """The charts use-case, after the derived table's refresh as in a running server."""
    today = date.today()
    start, end = reports.default_period(today)
    filters = reports.Filters(start, end)
    clicked = reports.Filters(start, end, selected_reason=3)
    reports.refresh_facts(store)
    return [
        (
            label,
            lambda f=f: reports.charts_page(store, USER, f, today=today),
            lambda: raw_charts(store, filters),
        )
        for label, f in (
            ("charts use-case, all figures", filters),
            ("charts, a reason clicked", clicked),
        )
    ]


def billing_timed(store: Store) -> list[Case]:
    """Faturamento (issue 17): the period's summary and a page of candidates, as the page
    asks for them (invoices due in the next 30 days), after the charts' refresh as in a
    running server."""
    from lib.usecases import billing

    today = date.today()
    end = today + timedelta(days=30)
    days = sorted(billing.due_days(today, end, today))
    total = billing.period_view(store, USER, today, end).total
    deep = max(1, (total // 50) // 2)
    return [
        (
            label,
            lambda p=page: billing.period_view(store, USER, today, end, page=p),
            lambda p=page: raw_billing(store, days, (p - 1) * 50),
        )
        for label, page in (
            ("billing: summary + page 1", 1),
            ("billing: summary + a middle page", deep),
        )
    ]


def read_timed(store: Store) -> list[Case]:
    return list_timed(store) + chart_timed(store) + billing_timed(store)


def read_rows(store: Store, size: str, repeat: int) -> list[str]:
    out = []
    for label, mine, raw in read_timed(store):
        mine_ms, raw_ms = times_paired_ms(mine, raw, repeat)
        pandas = times_ms(lambda: pandas_list(store), 1) if label == "list: no filter" else None
        out.append(row(label, size, mine_ms, raw_ms, pandas))
    return out


def write_rows(db: Path, size: str, calls: int) -> list[str]:
    from bench import open_request

    out = []
    for label, times, floor in open_request.measure(db, calls, [1, 8]):
        out.append(
            row(label.replace("open request", "open a request"), size, times, floor)
            + f"   p99 {open_request.pct(times, 99):.1f}"
            + f" (floor p99 {open_request.pct(floor, 99):.1f})"
        )
    return out


def start_rows(db: Path, size: str, repeat: int) -> list[str]:
    """open_store as the server's start runs it (checks, migrations, the search fill)."""
    import duckdb

    from lib.bootstrap import open_store

    def mine() -> None:
        open_store(str(db), demo=False).close()

    def raw() -> None:
        con = duckdb.connect(str(db))
        con.execute("SELECT max(version) FROM schema_migration").fetchall()
        con.close()

    return [
        row(
            "start-up: open the store (server part)",
            size,
            times_ms(mine, repeat),
            times_ms(raw, repeat),
        )
    ]


def server_rows(db: Path, size: str, reruns: int) -> list[str]:
    """The real `streamlit run` (bench.server_rerun): start-up, warm reruns, RSS."""
    from bench import server_rerun

    r = server_rerun.measure(db, reruns)
    out = [
        f"{'start-up to the login page (s)':<44}{size:>7}{r['startup_s']:9.2f}",
        f"{'  of which the first script run (ms)':<44}{size:>7}{r['startup_server_ms'] or 0:9.1f}",
    ]
    for title, warm in r["pages"].items():
        if warm:
            out.append(row(f"server rerun, warm: {title}", size, warm))
    out.append(f"{'server RSS after every page (MB)':<44}{size:>7}{r['rss_mb']:9.0f}")
    return out


def demo_rows(runs: int) -> list[str]:
    """The demo's first start (bench.first_start --demo): DESCONTO_DEMO=1 on a new file, to the
    login form drawn (the demo is written in the background), and to the first page after
    logging in at once (which waits for the demo's data)."""
    from bench import first_start

    results = first_start.measure(None, runs)
    med = first_start.medians(results)
    return [
        f"{'demo first start: login form drawn (s)':<44}{'new':>7}{med['login_form_s']:9.2f}",
        f"{'demo first start: logged in, on its data (s)':<44}{'new':>7}{med['logged_in_s']:9.2f}",
    ]


def run_store(db: Path, repeat: int, smoke: bool, server: bool = False) -> list[str]:
    store = Store(db)
    store.migrate()
    store.serve(memory_limit_mb=config.duckdb_memory_mb())  # as the server runs it
    try:
        with store.read() as cur:
            size = size_label(int(scalar(cur, "SELECT count(*) FROM ticket")))
        lines = read_rows(store, size, repeat)
    finally:
        store.close()
    lines += start_rows(db, size, max(1, repeat // 3))
    lines += write_rows(db, size, 8 if smoke else 40)
    if server:
        lines += server_rows(db, size, 3)
    return lines


def build(path: Path, tickets: int) -> None:
    from lib.demo import seed_demo
    from lib.demo.large import generate_large

    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    store.migrate(demo=True)
    try:
        seed_demo(store, customers=300)
        generate_large(store, tickets)
        store.checkpoint()
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_1M)
    ap.add_argument("--ten-million", action="store_true", help="also run the 10M store")
    ap.add_argument("--db10", type=Path, default=Path("/tmp/desconto-bench/large-10m.duckdb"))
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--smoke", action="store_true", help="10k tickets, one repetition")
    ap.add_argument(
        "--no-server", action="store_true", help="skip the real streamlit run (Chromium)"
    )
    ap.add_argument(
        "--pg",
        metavar="URL",
        help="the rows of --db beside the same on this PostgreSQL database (bench.engines)",
    )
    args = ap.parse_args(argv)
    if args.pg and not is_postgres(args.pg):
        ap.error("--pg takes a postgresql:// URL")
    header = HEADER
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.smoke:
            stores = [Path(tmp) / "smoke.duckdb"]
            build(stores[0], 10_000)
            repeat = 1
        else:
            if not args.db.exists():
                print(f"building {args.db} (1M tickets) ...", flush=True)
                build(args.db, 1_000_000)
            stores = [args.db] + ([args.db10] if args.ten_million else [])
            repeat = args.repeat
        lines = []
        if args.pg:  # the 1M store on both engines (no 10M, no server rows: DuckDB's alone)
            from bench import engines

            header = engines.HEADER
            lines += engines.run_both(stores[0], args.pg, repeat, args.smoke)
        else:
            for db in stores:
                server = not (args.smoke or args.no_server)
                lines += run_store(db, repeat, args.smoke, server=server)
            if not (args.smoke or args.no_server):
                lines += demo_rows(3)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()
    print(
        f"\nbench.suite {date.today():%Y-%m-%d}, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}, {os.cpu_count()} cores, repeat {repeat}, "
        f"{time.perf_counter() - t0:.0f} s"
    )
    print(header)
    for line in lines:
        print(line)
    print(f"{'peak RSS of this process (MB)':<44}{'':>7}{rss_mb:9.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
