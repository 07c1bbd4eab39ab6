"""Benchmark: one rerun of the charts page on a large store.

    python -m bench.charts_page                      # builds/reuses bench/large-10m.duckdb
    python -m bench.charts_page --tickets 1000000    # a smaller store (bench/large-1m.duckdb)
    python -m bench.charts_page --runs 7 --no-app    # only the use-case, no AppTest rerun

Prints, each as the median of --runs runs:
  * the report use-case (`lib.reports.charts_page`: every aggregate of the page, uncached SQL)
    for the default filters and with a reason clicked;
  * a naive baseline in the same run: the period's discount rows joined with their tickets
    loaded into pandas and aggregated there (what the page would do without SQL aggregation);
  * the whole page rerun through Streamlit's AppTest (script, widgets, chart specs), with the
    page's st.cache_data warm and with it cleared before every run.

The store is built by `lib.demo.large.generate_large` when that exists;
until then by `_fallback_generate` below, a plain INSERT ... SELECT FROM range() that writes
only what the charts read (no movement rows: the page uses ticket.assumed_at).
Building 10M tickets takes a few minutes on 2 cores; the file is reused afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from lib.auth import Role, User, hash_password, user_from_row
from lib.domain import TZ
from lib.store import Store, scalar
from lib.store import staff as staff_store
from lib.usecases import reports

ROOT = Path(__file__).resolve().parents[1]
BENCH_USER = "bench.supervisor"
BENCH_PASSWORD = "bench1234"


def _label(tickets: int) -> str:
    return f"{tickets // 1_000_000}m" if tickets % 1_000_000 == 0 else f"{tickets // 1000}k"


def build(path: Path, tickets: int) -> None:
    store = Store(path)
    store.migrate()
    try:
        from lib.demo.large import generate_large
    except ImportError:
        generate_large = None
    t0 = time.perf_counter()
    if generate_large is not None:
        generate_large(store, tickets)
        how = "lib.demo.large.generate_large"
    else:
        _fallback_generate(store, tickets)
        how = "fallback INSERT ... SELECT FROM range()"
    _ensure_supervisor(store)
    store.close()
    print(f"built {path.name}: {tickets:,} tickets with {how} in {time.perf_counter() - t0:.0f} s")


def _ensure_supervisor(store: Store) -> None:
    with store.transaction() as cur:
        if staff_store.by_username(cur, BENCH_USER) is None:
            staff_store.insert_staff(
                cur,
                username=BENCH_USER,
                name="Bench Supervisor",
                role="supervisor",
                password_hash=hash_password(BENCH_PASSWORD),
            )


def _fallback_generate(store: Store, tickets: int) -> None:
    """FALLBACK until generate_large lands: customers, logins, contracts, tickets over the last
    three years (ids in time order, as a real ERP writes them; 30 % of them DESCONTO EM
    FATURA) and their discount requests, all with INSERT ... SELECT FROM range()."""
    customers = max(1000, tickets // 20)
    end = datetime.now(TZ).replace(microsecond=0)
    span = int(timedelta(days=3 * 365).total_seconds())
    with store.transaction() as cur:
        disc_subject = scalar(cur, "SELECT id FROM subject WHERE name = 'DESCONTO EM FATURA'")
        fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
        cur.execute(
            """INSERT INTO customer (id, name, cpf_cnpj, neighbourhood, city)
               SELECT i, 'Cliente ' || i, lpad(i::VARCHAR, 11, '0'),
                      'Bairro ' || (hash(i) % 60), 'Campinas' FROM range(1, $n + 1) t(i)""",
            {"n": customers},
        )
        cur.execute(
            """INSERT INTO contract (id, customer_id, plan, monthly_fee, due_day)
               SELECT i, i, 'Fibra', (79.90 + (hash(i) % 5) * 20)::DECIMAL(12,2), 1 + hash(i) % 28
               FROM range(1, $n + 1) t(i)""",
            {"n": customers},
        )
        cur.execute(
            """INSERT INTO login (id, customer_id, contract_id, username, neighbourhood, cto_box)
               SELECT i, i, i, 'login' || i, 'Bairro ' || (hash(i) % 60),
                      'CTO-' || lpad((hash(i * 7) % 3000)::VARCHAR, 4, '0')
               FROM range(1, $n + 1) t(i)""",
            {"n": customers},
        )
        cur.execute(
            """INSERT INTO ticket (id, protocol, customer_id, login_id, contract_id, subject_id,
                                   department_id, status, opened_at, assumed_at, closed_at,
                                   updated_at)
               WITH g AS (
                   SELECT i, 1 + hash(i * 3) % $customers AS c, hash(i * 5) % 100 < 30 AS disc,
                          $start + to_seconds(i * $step) AS t0, hash(i * 11) % 100 AS s
                   FROM range(1, $n + 1) t(i))
               SELECT i, lpad(i::VARCHAR, 12, '0'), c, c, c,
                      CASE WHEN disc THEN $disc_subject ELSE 2 + hash(i) % 11 END,
                      CASE WHEN disc THEN $fin ELSE 1 + hash(i * 13) % 6 END,
                      CASE WHEN s < 8 THEN 'N' WHEN s < 12 THEN 'P' WHEN s < 25 THEN 'EP'
                           WHEN s < 95 THEN 'S' ELSE 'C' END,
                      t0,
                      CASE WHEN s >= 12 THEN t0 + to_seconds(600 + hash(i * 17) % 172800) END,
                      CASE WHEN s >= 25 THEN t0 + to_seconds(86400 + hash(i * 19) % 1728000) END,
                      t0
               FROM g""",
            {
                "n": tickets,
                "customers": customers,
                "start": end - timedelta(seconds=span),
                "step": span / tickets,
                "disc_subject": disc_subject,
                "fin": fin,
            },
        )
        cur.execute(
            """INSERT INTO discount_request (ticket_id, contract_id, reason, occurred_on,
                   opened_at, signal_returned_at, method, monthly_fee, minutes, computed_amount,
                   approved_amount, decision, decided_at, applied_at, opa_protocol, deadline)
               WITH d AS (
                   SELECT t.id, t.contract_id, t.opened_at, t.status, t.closed_at,
                          (1 + hash(t.id * 23) % 5)::INTEGER AS reason,
                          (10 + hash(t.id * 29) % 2880)::INTEGER AS minutes,
                          c.monthly_fee
                   FROM ticket t JOIN contract c ON c.id = t.contract_id
                   WHERE t.subject_id = $disc_subject),
               e AS (
                   SELECT *, round(monthly_fee / 43200 * minutes, 2)::DECIMAL(12,2) AS amount,
                          CASE WHEN status IN ('N', 'P') THEN 'pendente'
                               WHEN status = 'EP' THEN 'aprovado'
                               WHEN status = 'C' THEN 'cancelado'
                               WHEN hash(id * 31) % 100 < 85 THEN 'aplicado'
                               ELSE 'reprovado' END AS decision
                   FROM d)
               SELECT id, contract_id, reason, CAST(opened_at AS DATE), opened_at,
                      opened_at + to_minutes(minutes), 'anatel_minuto', monthly_fee, minutes,
                      amount,
                      CASE WHEN decision IN ('aprovado', 'aplicado') THEN amount END,
                      decision,
                      CASE WHEN decision <> 'pendente' THEN coalesce(closed_at, opened_at) END,
                      CASE WHEN decision = 'aplicado' THEN closed_at END,
                      'OPA' || id, CAST(opened_at AS DATE) + 90
               FROM e""",
            {"disc_subject": disc_subject},
        )


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def naive_baseline(store: Store, filters: reports.Filters) -> dict:
    """What the page would cost without SQL aggregation: the period's discount rows (and the
    previous period's, for the comparison) loaded into pandas and grouped there."""
    previous_start, start, end = filters.bounds()
    with store.read() as cur:
        df = cur.execute(
            """SELECT d.reason, d.decision, d.minutes, d.approved_amount, d.deadline,
                      d.applied_at, t.opened_at, t.assumed_at, t.department_id, t.status,
                      t.customer_id, l.neighbourhood
               FROM discount_request d JOIN ticket t ON t.id = d.ticket_id
               LEFT JOIN login l ON l.id = t.login_id
               WHERE t.opened_at >= ? AND t.opened_at < ?""",
            [previous_start, end],
        ).df()
    current = df[df.opened_at >= start]
    approved = current[current.decision.isin(["aprovado", "aplicado"])]
    month = current.opened_at.dt.tz_convert("America/Sao_Paulo").dt.to_period("M")
    return {
        "by_reason": current.groupby("reason").size(),
        "amount": approved.groupby("reason").approved_amount.sum(),
        "monthly": current.groupby([month, "reason"]).size(),
        "durations": current.groupby("reason").minutes.quantile([0.05, 0.25, 0.5, 0.75, 0.95]),
        "assume": (current.assumed_at - current.opened_at).groupby(month).median(),
        "apply": (current.applied_at - current.opened_at).groupby(month).median(),
        "places": current.groupby("neighbourhood").customer_id.nunique().nlargest(15),
        "decisions": current.groupby(["reason", "decision"]).size(),
        "previous": len(df) - len(current),
    }


def app_rerun(path: Path, runs: int) -> tuple[float, float]:
    """The whole page rerun through AppTest: (median ms with the cache warm, cleared)."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DESCONTO_DB"] = str(path)
    os.environ["DESCONTO_DEMO"] = "0"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_input(key="login_user").input(BENCH_USER)
    at.text_input(key="login_password").input(BENCH_PASSWORD)
    at.button(key="FormSubmitter:login-Entrar").click().run()
    at.switch_page("pages/charts.py").run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 7, "the charts page did not draw its charts"
    warm, _ = median_ms(lambda: at.run(), runs)

    def cold():
        st.cache_data.clear()
        at.run()

    cleared, _ = median_ms(cold, runs)
    return warm, cleared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--no-app", action="store_true", help="skip the AppTest page rerun")
    args = parser.parse_args()
    path = args.db or ROOT / "bench" / f"large-{_label(args.tickets)}.duckdb"
    if not path.exists():
        build(path, args.tickets)

    store = Store(path)
    store.migrate()
    _ensure_supervisor(store)  # a store built elsewhere (e.g. by lib.demo.large's CLI) has none
    t0 = time.perf_counter()
    derived = reports.refresh_facts(store)
    refresh_ms = (time.perf_counter() - t0) * 1000
    with store.read() as cur:
        n_tickets = scalar(cur, "SELECT count(*) FROM ticket")
        n_discounts = scalar(cur, "SELECT count(*) FROM discount_request")
        row = staff_store.by_username(cur, BENCH_USER)
    user = user_from_row(row) if row else User(0, BENCH_USER, "Bench", Role.SUPERVISOR)
    today = date.today()
    start, end = reports.default_period(today)
    filters = reports.Filters(start, end)
    clicked = reports.Filters(start, end, selected_reason=3)
    print(f"store: {path.name}, {n_tickets:,} tickets, {n_discounts:,} discount requests")
    print(f"period: {start:%d/%m/%Y} to {end:%d/%m/%Y} (default: last 12 months); runs={args.runs}")

    def use_case(f):
        return lambda: reports.charts_page(store, user, f, today=today)

    print(
        f"report_discount refresh: {derived:,} tickets re-derived in {refresh_ms:,.0f} ms "
        "(every discount request on a new store; afterwards only the changed tickets)"
    )
    use_case(filters)()  # warm DuckDB's buffer pool once, as a running app has it
    ms, data = median_ms(use_case(filters), args.runs)
    ms_clicked, _ = median_ms(use_case(clicked), args.runs)
    ms_naive, _ = median_ms(lambda: naive_baseline(store, filters), args.runs)
    requests = next(f.value for f in data.headline if f.key == "requests")
    print(f"report use-case, uncached SQL (every chart + figures):  {ms:8.1f} ms")
    print(f"report use-case, a reason clicked:                    {ms_clicked:8.1f} ms")
    print(f"naive baseline (rows into pandas, aggregate there):   {ms_naive:8.1f} ms")
    print(
        f"  -> SQL aggregation is {ms_naive / ms:.1f}x faster ({requests:,} requests in the period)"
    )
    store.close()
    if not args.no_app:
        warm, cleared = app_rerun(path, args.runs)
        print(f"whole page rerun (AppTest), st.cache_data warm:       {warm:8.1f} ms")
        print(f"whole page rerun (AppTest), st.cache_data cleared:    {cleared:8.1f} ms")


if __name__ == "__main__":
    main()
