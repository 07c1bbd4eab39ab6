"""Atendimentos only, in the real server: warm reruns of the list under several filters.

    python -m bench.tickets_rerun --db FILE [--reruns 5] [--profile DIR]

bench.server_rerun's measure (the same timing hook on Streamlit's ScriptRunner, on a COPY of
--db), visiting only /atendimentos, once per filter set below (the addresses staff share),
and presses "r" `--reruns` times on each. `--profile DIR` writes a cProfile of every script
run to DIR (run-N.prof) so the page's own Python can be read apart from the SQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from bench import server_rerun


def addresses(db: Path) -> dict[str, str]:
    """The list's addresses to time: the first page, finance's queue, a name search."""
    from lib.store import Store, scalar

    store = Store(db, read_only=True)
    try:
        with store.read() as cur:
            fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
            name = scalar(cur, "SELECT name FROM customer ORDER BY id DESC LIMIT 1") or "Maria"
            first = scalar(cur, "SELECT max(id) FROM ticket")
    finally:
        store.close()
    search = "+".join(name.split()[:2])
    return {
        "no filter": "atendimentos",
        "FINANCEIRO pendente, by deadline": f"atendimentos?depto={fin}&decisao=pendente&ordem=prazo",
        "customer-name search": f"atendimentos?busca={search}",
        "no filter, a ticket open": f"atendimentos?id={first}",
    }


def measure(
    db: Path,
    reruns: int,
    profile: Path | None = None,
    user: str = "supervisor",
    password: str = "demo1234",
) -> dict[str, list[float]]:
    """Warm reruns of each address in `addresses(db)`, by label."""
    found = server_rerun.measure(
        db, reruns, user, password, addresses=addresses(db), profile=profile
    )
    return found["pages"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--profile", type=Path, help="write a cProfile of each script run here")
    args = ap.parse_args()
    load = os.getloadavg()
    for label, warm in measure(args.db, args.reruns, args.profile).items():
        med = statistics.median(warm) if warm else float("nan")
        print(f"  warm rerun, Atendimentos, {label:<34}{med:8.1f} ms  {warm}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
