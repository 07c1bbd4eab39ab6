"""How fast the Atendimentos page answers on a large store (1M tickets by default).

    python -m bench.tickets_page [--tickets 1000000] [--repeat 15] [--no-apptest]

Builds (or reuses) bench/large-1m.duckdb (git-ignored) and times, median of --repeat runs, the
call the page makes into lib.usecases.ticket_list on every rerun (`browse`: one page by key, and the
status x department counts, whose sum is the total), on a filter change and on a page change
half-way into the list, against naive baselines in the same run: OFFSET paging to the same
depth, and loading the filtered set into pandas to sort, page and count it there. Then it times
whole page reruns through AppTest against the same store (an upper bound: AppTest adds its own
work).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lib.auth import Role, User
from lib.store import Store, scalar
from lib.store import staff as staff_store
from lib.store import ticket_list as q
from lib.usecases.ticket_list import Filters, browse, status_matrix

warnings.filterwarnings("ignore", message=".*inplace keyword.*")

HERE = Path(__file__).resolve().parent
DB = HERE / "large-1m.duckdb"

BENCH_STAFF = [
    ("bench.atendente", "Ana Bench", "atendente", "SUPORTE"),
    ("bench.financeiro", "Fábio Bench", "financeiro", "FINANCEIRO"),
    ("bench.supervisor", "Sara Bench", "supervisor", "FINANCEIRO"),
]


def _staff(store: Store) -> None:
    with store.transaction() as cur:
        for username, name, role, dept in BENCH_STAFF:
            if staff_store.by_username(cur, username) is None:
                staff_store.insert_staff(
                    cur,
                    username=username,
                    name=name,
                    role=role,
                    password_hash=None,
                    department_id=scalar(cur, "SELECT id FROM department WHERE name = ?", [dept]),
                )


def build(path: Path, tickets: int) -> Store:
    store = Store(path)
    store.migrate()
    with store.read() as cur:
        have = scalar(cur, "SELECT count(*) FROM ticket")
    if have >= tickets:
        print(f"reusing {path.name}: {have:,} tickets")
        return store
    _staff(store)
    started = time.perf_counter()
    try:
        from lib.demo.large import generate_large
    except ImportError:
        generate_large = None
    if generate_large is not None:
        generate_large(store, tickets - have)
        how = "lib.demo.large.generate_large"
    else:
        _fallback_fill(store, tickets - have)
        how = "FALLBACK INSERT ... SELECT FROM range() (lib.demo.large not available)"
    with store.read() as cur:
        cur.execute("CHECKPOINT")
    print(f"built {path.name} with {how} in {time.perf_counter() - started:.0f} s")
    return store


def _fallback_fill(store: Store, n: int) -> None:
    """FALLBACK while lib.demo.large is not available: tickets in opening order over ~3 years,
    ~15% DESCONTO EM FATURA with a discount request, one customer per 10 tickets."""
    with store.transaction() as cur:
        cur.execute(
            """INSERT INTO customer (id, name, cpf_cnpj, city)
               SELECT 100000 + i, 'Cliente ' || i, lpad(CAST(10000000000 + i * 7919 AS VARCHAR), 11, '0'), 'Campinas'
               FROM range(?) r(i)""",
            [max(1, n // 10)],
        )
        cur.execute(
            """INSERT INTO contract (id, customer_id, plan, monthly_fee, due_day)
               SELECT 100000 + i, 100000 + i, 'Fibra 500 Mega', 99.90, 1 + i % 28
               FROM range(?) r(i)""",
            [max(1, n // 10)],
        )
        cur.execute(
            """CREATE TEMP TABLE gen AS
               SELECT i, hash(i) AS h,
                      TIMESTAMPTZ '2024-01-01 00:00:00-03' + to_seconds(i * (94608000 // ?)) AS at
               FROM range(?) r(i)""",
            [n, n],
        )
        disc = scalar(cur, "SELECT id FROM subject WHERE name = 'DESCONTO EM FATURA'")
        fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
        staff = [r[0] for r in cur.execute("SELECT id FROM staff ORDER BY id").fetchall()]
        cur.execute(
            """INSERT INTO ticket (id, protocol, customer_id, contract_id, subject_id,
                                   subject_description, department_id, responsible_id, priority,
                                   status, opened_at, opened_by, updated_at, message)
               SELECT 1000000 + g.i, 'B' || lpad(CAST(g.i AS VARCHAR), 11, '0'),
                      100000 + g.i % ?, 100000 + g.i % ?,
                      CASE WHEN g.h % 100 < 15 THEN ? ELSE s.id END, '',
                      CASE WHEN g.h % 100 < 15 THEN ? ELSE s.department_id END,
                      CASE WHEN g.h % 5 < 3 THEN NULL ELSE list_extract(?, 1 + CAST(g.h % len(?) AS INTEGER)) END,
                      ['B', 'M', 'A', 'C'][1 + CAST(g.h // 7 % 4 AS INTEGER)],
                      CASE WHEN g.at > TIMESTAMPTZ '2026-09-01 00:00:00-03'
                           THEN ['N', 'P', 'EP', 'S', 'C'][1 + CAST(g.h // 11 % 5 AS INTEGER)]
                           ELSE ['S', 'S', 'S', 'C', 'EP'][1 + CAST(g.h // 11 % 5 AS INTEGER)] END,
                      g.at, NULL, g.at, ''
               FROM gen g
               JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, department_id
                     FROM subject WHERE name <> 'DESCONTO EM FATURA') s
                 ON s.k = g.h // 13 % 11
               ORDER BY g.i""",
            [max(1, n // 10), max(1, n // 10), disc, fin, staff, staff],
        )
        cur.execute(
            """INSERT INTO discount_request (ticket_id, contract_id, reason, occurred_on, opened_at,
                   signal_returned_at, method, monthly_fee, minutes, computed_amount, decision,
                   opa_protocol, deadline)
               SELECT t.id, t.contract_id, 1 + CAST(t.id % 5 AS INTEGER), CAST(t.opened_at AS DATE),
                      t.opened_at, t.opened_at + INTERVAL 340 MINUTE, 'anatel_minuto', 99.90, 340,
                      0.79,
                      CASE t.status WHEN 'S' THEN 'aplicado' WHEN 'C' THEN 'cancelado'
                                    WHEN 'EP' THEN 'aprovado' ELSE 'pendente' END,
                      'OPA' || t.id, CAST(t.opened_at AS DATE) + 90
               FROM ticket t WHERE t.subject_id = ? ORDER BY t.id""",
            [disc],
        )
        cur.execute("SELECT setval('seq_ticket', (SELECT max(id) FROM ticket))")


# --- timing -----------------------------------------------------------------------------------


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def naive_offset(store: Store, offset: int, status: tuple[str, ...]) -> None:
    """Baseline: OFFSET paging (the store walks past every skipped row) + count + counts."""
    where = f"WHERE t.status IN ({', '.join('?' * len(status))})" if status else ""
    with store.read() as cur:
        cur.execute(
            f"""SELECT t.id, t.protocol, t.opened_at, t.status, s.name, d.name, c.name
                FROM ticket t JOIN subject s ON s.id = t.subject_id
                JOIN department d ON d.id = t.department_id
                LEFT JOIN customer c ON c.id = t.customer_id
                LEFT JOIN discount_request dr ON dr.ticket_id = t.id
                {where} ORDER BY t.opened_at DESC, t.id DESC LIMIT 50 OFFSET ?""",
            [*status, offset],
        ).fetchall()
        cur.execute(f"SELECT count(*) FROM ticket t {where}", list(status)).fetchall()
        cur.execute(
            f"SELECT status, department_id, count(*) FROM ticket t {where} GROUP BY ALL",
            list(status),
        ).fetchall()


def naive_pandas(store: Store, offset: int, status: tuple[str, ...]) -> None:
    """Baseline: the filtered set loaded into pandas, then sorted, paged and counted there."""
    where = f"WHERE t.status IN ({', '.join('?' * len(status))})" if status else ""
    with store.read() as cur:
        df = cur.execute(
            f"""SELECT t.id, t.protocol, t.opened_at, t.status, t.department_id, t.subject_id,
                       t.customer_id, dr.decision, dr.computed_amount, dr.deadline
                FROM ticket t LEFT JOIN discount_request dr ON dr.ticket_id = t.id {where}""",
            list(status),
        ).df()
    df.sort_values(["opened_at", "id"], ascending=False).iloc[offset : offset + 50]
    len(df)
    df.groupby(["status", "department_id"]).size()


def key_at(store: Store, filters: Filters, depth: int):
    """The keyset cursor a user would hold after paging `depth` rows deep (opening order)."""
    where, params = q.where_clause(filters, filters.period())
    with store.read() as cur:
        return cur.execute(
            f"""SELECT t.opened_at, t.id FROM ticket t WHERE {where}
                ORDER BY t.opened_at DESC, t.id DESC LIMIT 1 OFFSET ?""",
            [*params, depth - 1],
        ).fetchone()


USER = User(0, "bench", "Bench", Role.SUPERVISOR)


def run(args: argparse.Namespace) -> None:
    store = build(Path(args.db), args.tickets)
    with store.read() as cur:
        total = scalar(cur, "SELECT count(*) FROM ticket")
        fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
    print(f"store: {total:,} tickets; median of {args.repeat} runs; times in ms\n")

    def on_filter(f: Filters):
        return lambda: browse(store, USER, f)

    scenarios = {
        "sem filtro": Filters(),
        "status Novo+Em progresso": Filters(status=("N", "EP")),
        "sem filtro, por prazo": Filters(sort="prazo"),
        "FINANCEIRO, decisão pendente, por prazo": Filters(
            departments=(fin,), decision="pendente", sort="prazo"
        ),
        "busca por nome de cliente": Filters(search="Cliente 4242"),
        "período de um mês": Filters(date_from=date(2025, 6, 1), date_to=date(2025, 6, 30)),
    }
    print(f"{'filter change: page 1 + counts (= total)':<58}{'ms':>8}")
    for name, f in scenarios.items():
        print(f"  {name:<56}{median_ms(on_filter(f), args.repeat):>8.1f}")

    depth = total // 2
    print(f"\npage change {depth:,} rows deep (page + counts)")
    for name, f in [
        ("sem filtro", Filters()),
        ("status Novo+Em progresso", scenarios[list(scenarios)[1]]),
    ]:
        key = key_at(store, f, max(1, status_matrix(store, USER, f).total // 2))
        keyset = median_ms(
            lambda f=f, key=key: browse(store, USER, f, after=key),
            args.repeat,
        )
        offset = median_ms(lambda f=f: naive_offset(store, depth, f.status), args.repeat)
        pandas = median_ms(
            lambda f=f: naive_pandas(store, depth, f.status), max(3, args.repeat // 3)
        )
        print(f"  {name}")
        print(f"    keyset (lib.ticket_list)            {keyset:>8.1f}")
        print(f"    naive OFFSET                        {offset:>8.1f}   ({offset / keyset:.1f}x)")
        print(f"    naive pandas (filtered set loaded)  {pandas:>8.1f}   ({pandas / keyset:.1f}x)")
    store.close()
    if not args.no_apptest:
        apptest(Path(args.db), args.repeat)


def _rerun_times(db: Path, repeat: int) -> tuple[float, float]:
    """Median ms of a whole page rerun through AppTest: after a filter change, after Próximos."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    os.environ["DESCONTO_DB"] = str(db)
    os.environ["DESCONTO_DEMO"] = "0"
    probe = Store(db)
    with probe.read() as cur:
        user_id = scalar(cur, "SELECT id FROM staff WHERE role = 'financeiro' ORDER BY id LIMIT 1")
    probe.close()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["user_id"] = user_id
    at.run()
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    flips = [["N", "EP"], []]
    filter_times, page_times = [], []
    for i in range(repeat):
        t = time.perf_counter()
        at.multiselect(key="tk_f_status").set_value(flips[i % 2]).run()
        filter_times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        at.button(key="tk_next").click().run()
        page_times.append((time.perf_counter() - t) * 1000)
        assert not at.exception, at.exception
    # AppTest keeps the store in st.cache_resource: drop it so the next file can be opened
    from ui import session

    session._store.clear()
    return statistics.median(filter_times), statistics.median(page_times)


def apptest(db: Path, repeat: int) -> None:
    """Whole page reruns through app.py on the large store and, for scale, on a 120-ticket store:
    AppTest adds its own work (polling, protobuf), which the small store shows."""
    import tempfile

    from tests.fixtures import build_world
    from tests.ticket_factory import discount, plain_tickets

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.duckdb"
        store = Store(small)
        store.migrate()
        world = build_world(store)
        discount(world, "bench", days_ago=1)
        plain_tickets(world, 119)
        store.close()
        small_times = _rerun_times(small, repeat)
    large_times = _rerun_times(db, repeat)
    probe = Store(db)
    with probe.read() as cur:  # the store's own size: the label said "1M" whatever it held
        label = f"{scalar(cur, 'SELECT count(*) FROM ticket'):,} tickets"
    probe.close()
    print("\nwhole page rerun through AppTest (app.py + page), ms")
    print(f"  {'':38}{label:>12}{'120 tickets':>13}")
    print(f"  {'filter change':38}{large_times[0]:>12.1f}{small_times[0]:>13.1f}")
    print(f"  {'page change':38}{large_times[1]:>12.1f}{small_times[1]:>13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", default=str(DB))
    parser.add_argument("--no-apptest", action="store_true")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
