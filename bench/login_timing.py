"""How long a refused login takes, for a username that exists and for one that does not.

    python -m bench.login_timing [--repeat 9]

A throw-away store with one user whose password was hashed with the app's argon2 parameters
(argon2-cffi's defaults). Each refused login is timed from a fresh client address, so the
lock never engages. Before issue 12 a known user took ~860 ms and an unknown one ~14 ms (no
verification at all): the gap told an attacker which usernames exist. Now every case runs one
verification, and the figures should match within noise. The baseline in the same run is that
old shortcut: looking the name up and answering without any verification.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from lib.auth import LoginRefused, dummy_hash
from lib.domain import now
from lib.store import Store
from lib.store import staff as staff_store
from lib.usecases import signin, users


def _median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:7.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.login_timing")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "login.duckdb")
        store.migrate()
        users.create_user(
            store, None, username="maria", name="M", role="atendente", password="segura-123"
        )
        users.create_user(
            store, None, username="jose", name="J", role="atendente", password="segura-123"
        )
        with store.transaction() as cur:
            cur.execute("UPDATE staff SET active = FALSE WHERE username = 'jose'")
        dummy_hash()  # the app computes it at start-up
        cases = {
            "existing user, wrong password": "maria",
            "switched-off user": "jose",
            "username that does not exist": "ninguem",
        }
        times: dict[str, list[float]] = {label: [] for label in cases}
        baseline: list[float] = []
        for i in range(args.repeat):
            for label, name in cases.items():
                started = time.perf_counter()
                try:
                    signin.login(store, name, f"errada-{i}", now(), f"10.1.{i}.{len(label)}")
                except LoginRefused:
                    pass
                times[label].append(time.perf_counter() - started)
            started = time.perf_counter()
            with store.read() as cur:
                staff_store.by_username(cur, "ninguem")
            baseline.append(time.perf_counter() - started)
        store.close()
    print(f"refused login, median of {args.repeat}:")
    for label, found in times.items():
        print(f"  {label:32} {_median_ms(found)}")
    print(f"  {'old unknown-user shortcut':32} {_median_ms(baseline)}  (lookup only, baseline)")


if __name__ == "__main__":
    main()
