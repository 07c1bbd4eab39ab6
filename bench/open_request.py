"""How long `open_discount_request` takes on a large store, with 1 and with 8 writers at once.

    python -m bench.open_request --db /tmp/wt17/large-1m.duckdb [--calls 40] [--threads 1,8]

Works on a COPY of --db (the file is never written): each call opens a request on a contract that
has none, the way the Desconto em fatura page does. Prints p50/p95/p99 per writer count beside
the raw floor with the SAME number of writers, timed in the same run: the rows a save writes
(the protocol's sequence, the ticket, its request, its first movement and the charts' change
log) as plain INSERTs in one transaction, with none of the save's reads or checks. Writers run
closed-loop: each starts its next save as soon as the last returns, so 8 writers is 8 saves
always in flight (a burst of 8 attendants clicking at the same moment, sustained).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from lib import config
from lib.auth import Role, User
from lib.domain import StaleState
from lib.domain import now as clock_now
from lib.runtime import Checkpointer
from lib.store import Store, scalar
from lib.usecases.discount_requests import DiscountRequestInput, open_discount_request


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def targets(store: Store, n: int) -> list[tuple[int, int, int]]:
    """(customer, login, contract) triples whose contract has no discount request yet."""
    with store.read() as cur:
        return [
            (r[0], r[1], r[2])
            for r in cur.execute(
                """SELECT l.customer_id, l.id, l.contract_id FROM login l
                   WHERE l.contract_id IS NOT NULL AND NOT EXISTS
                         (SELECT 1 FROM discount_request d WHERE d.contract_id = l.contract_id)
                   ORDER BY l.id DESC LIMIT ?""",
                [n],
            ).fetchall()
        ]


def actor(store: Store) -> User:
    with store.read() as cur:
        row = cur.execute(
            "SELECT id, username, name FROM staff WHERE role = 'atendente' AND active "
            "ORDER BY id LIMIT 1"
        ).fetchone()
    assert row is not None, "the store has no atendente"
    return User(id=row[0], username=row[1], name=row[2], role=Role.ATENDENTE)


def in_threads(
    store: Store,
    work: list[tuple[int, int, int]],
    threads: int,
    call: Callable[[Any, tuple[int, int, int]], None],
) -> list[float]:
    """Split `work` among `threads` closed-loop writers, each with its own cursor; returns every
    call's time in ms. `call(cursor, item)` is what is timed."""
    times: list[float] = []
    lock = threading.Lock()

    def writer(share: list[tuple[int, int, int]]) -> None:
        with store.read() as cur:
            for item in share:
                t0 = time.perf_counter()
                call(cur, item)
                took = (time.perf_counter() - t0) * 1000
                with lock:
                    times.append(took)

    pool = [threading.Thread(target=writer, args=(work[i::threads],)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return times


def run_writers(
    store: Store, user: User, work: list[tuple[int, int, int]], threads: int
) -> tuple[list[float], int]:
    """Each thread opens its share of requests through the use-case: every call's time in ms,
    and how many saves were refused (a concurrent-update conflict the store did not retry:
    counted, not raised, so one refusal does not end a writer's loop)."""
    now = clock_now()
    refused: list[int] = []

    def save(_cur: Any, item: tuple[int, int, int]) -> None:
        customer, login, contract = item
        data = DiscountRequestInput(
            customer_id=customer,
            login_id=login,
            contract_id=contract,
            reason=3,
            # the outage's day is the opening's: `now.date()` is after it from 00:00 to 06:00
            occurred_on=(now - timedelta(hours=6)).date(),
            opened_at=now - timedelta(hours=6),
            signal_returned_at=now - timedelta(minutes=20),
            opa_protocol="OPA12345678",
            description="bench: queda geral no bairro",
        )
        try:
            open_discount_request(store, user, data, uuid.uuid4().hex, now=now)
        except StaleState:
            refused.append(contract)

    return in_threads(store, work, threads, save), len(refused)


def raw_floor(store: Store, work: list[tuple[int, int, int]], threads: int) -> list[float]:
    """The plainest SQL for what a save stores, in one transaction a call, `threads` at once."""
    now = clock_now()
    with store.read() as cur:
        subject, dept, staff = cur.execute(
            "SELECT (SELECT id FROM subject ORDER BY id LIMIT 1),"
            " (SELECT id FROM department ORDER BY id LIMIT 1),"
            " (SELECT id FROM staff ORDER BY id LIMIT 1)"
        ).fetchone()  # type: ignore[misc]

    def save(cur: Any, item: tuple[int, int, int]) -> None:
        customer, login, contract = item
        cur.execute("BEGIN")
        seq = cur.execute("SELECT nextval('seq_protocol')").fetchall()[0][0]
        ticket = cur.execute(
            "INSERT INTO ticket (protocol, idempotency_key, subject_id, subject_description,"
            " department_id, customer_id, login_id, contract_id, status, opened_at,"
            " updated_at, message) VALUES (?, ?, ?, '', ?, ?, ?, ?, 'N', ?, ?, ?)"
            " RETURNING id",
            [f"RAW{seq:09d}", uuid.uuid4().hex, subject, dept, customer, login, contract,
             now, now, "bench: queda geral no bairro"],
        ).fetchall()[0][0]  # fmt: skip
        cur.execute(
            "INSERT INTO discount_request (ticket_id, contract_id, reason, occurred_on,"
            " opened_at, signal_returned_at, method, monthly_fee, decision, opa_protocol,"
            " deadline) VALUES (?, ?, 3, ?, ?, ?, 'proporcional_diaria', 99.90,"
            " 'pendente', 'OPA12345678', ?)",
            [ticket, contract, (now - timedelta(hours=6)).date(), now - timedelta(hours=6),
             now - timedelta(minutes=20), now.date()],
        )  # fmt: skip
        cur.execute(
            "INSERT INTO movement (ticket_id, created_at, staff_id, kind, to_status, note)"
            " VALUES (?, ?, ?, 'abrir', 'N', 'Atendimento aberto.')",
            [ticket, now, staff],
        )
        cur.execute("INSERT INTO report_change (ticket_id) VALUES (?)", [ticket])
        cur.execute("COMMIT")

    return in_threads(store, work, threads, save)


@contextmanager
def writable_copy(db: Path) -> Iterator[Store]:
    """A copy of the DuckDB store `db` (never written), served as the server serves it: memory
    capped, checkpoints from a background thread."""
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(db, copy)
        if Path(f"{db}.wal").exists():
            shutil.copy(f"{db}.wal", f"{copy}.wal")
        store = Store(copy)
        store.migrate()
        store.serve(memory_limit_mb=config.duckdb_memory_mb())
        checkpointer = Checkpointer(store, every_s=1.0)
        checkpointer.start()
        try:
            yield store
        finally:
            checkpointer.stop()
            store.close()


class Writes:
    """One store's share of the write rows: its actor and contracts with no request yet, handed
    out `calls` at a time so no two saves (use-case or floor) touch the same contract."""

    def __init__(self, store: Store, calls: int, rounds: int) -> None:
        self.store, self.calls = store, calls
        self.user = actor(store)
        self.work = targets(store, calls * 2 * rounds + 3)
        self.at = 3
        self.refused = 0
        self.refused += run_writers(store, self.user, self.work[:3], 1)[1]  # warm

    def round(self, threads: int) -> tuple[list[float], list[float]]:
        """The use-case's and the floor's times with `threads` writers at once."""
        mine = self.work[self.at : self.at + self.calls]
        floor = self.work[self.at + self.calls : self.at + 2 * self.calls]
        self.at += 2 * self.calls
        times, refused = run_writers(self.store, self.user, mine, threads)
        self.refused += refused
        return times, raw_floor(self.store, floor, threads)


def measure(
    db: Path, calls: int, threads_list: list[int]
) -> list[tuple[str, list[float], list[float]]]:
    """Per writer count: (label, the use-case's times, the raw floor's times), in ms."""
    with writable_copy(db) as store:
        writes = Writes(store, calls, len(threads_list))
        out = []
        for threads in threads_list:
            out.append((f"open request, {threads} writer(s)", *writes.round(threads)))
        with store.read() as cur:
            size = scalar(cur, "SELECT count(*) FROM ticket")
        print(f"store: {db} ({size:,} tickets)")
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--threads", default="1,8")
    args = ap.parse_args()
    results = measure(args.db, args.calls, [int(t) for t in args.threads.split(",")])
    print(f"{'':28}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'floor p50':>10}{'floor p99':>10}")
    for label, times, floor in results:
        print(
            f"{label:28}{statistics.median(times):9.1f}{pct(times, 95):9.1f}"
            f"{pct(times, 99):9.1f}{statistics.median(floor):10.1f}{pct(floor, 99):10.1f}"
        )


if __name__ == "__main__":
    main()
