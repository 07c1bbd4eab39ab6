"""Large stores for benchmarks: the demo ISP, then `tickets` more tickets over ~3 years in the
same city, generated mostly in SQL by the store (`lib.store.large_stores.generate_tickets`).

    python -m lib.demo.large --db bench/large-1m.duckdb --tickets 1000000
"""

from __future__ import annotations

import argparse
import time as timer
from datetime import date
from pathlib import Path

from lib.demo.isp import NEIGHBOURHOODS, PLANS, seed_demo
from lib.store import Store, large_stores


def generate_large(
    store: Store, tickets: int, *, seed: int = 7, today: date | None = None
) -> dict[str, int]:
    """Add `tickets` tickets to a migrated store, in the demo's city (its neighbourhoods and
    plans). Deterministic for a given seed; returns the rows added per table."""
    return large_stores.generate_tickets(
        store, tickets, places=NEIGHBOURHOODS, plans=PLANS, seed=seed, today=today
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m lib.demo.large",
        description="Create a large store for benchmarks: migrate, seed_demo, generate_large.",
    )
    parser.add_argument("--db", required=True, help="DuckDB file to create (must not exist)")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    path = Path(args.db)
    if path.exists():
        parser.error(f"{path} already exists; remove it first")

    t0 = timer.perf_counter()
    store = Store(path)
    store.migrate(demo=True)
    demo = seed_demo(store)
    t1 = timer.perf_counter()
    print(f"seed_demo: {demo} in {t1 - t0:.1f} s", flush=True)
    large = generate_large(store, args.tickets, seed=args.seed)
    t2 = timer.perf_counter()
    print(f"generate_large: {large} in {t2 - t1:.1f} s", flush=True)
    store.close()
    size = sum(f.stat().st_size for f in path.parent.glob(path.name + "*"))
    print(f"{path}: {size / 1e6:.0f} MB, total {timer.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
