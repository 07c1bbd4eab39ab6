"""Customer search on 100k customers: the attendant's live search versus a naive baseline.

    python -m bench.customer_search [--customers 100000] [--repeat 7]

Builds a throw-away store (lib.store.bench_data), then times `lookups.search_customers` — the
use-case the form calls on every pause in typing — for each kind of query the issue names
(name, CPF/CNPJ, PPPoE login, contract number, phone). The baseline, measured in the same run,
is the naive page: read customers, logins and contracts into pandas and filter there (timed both
per keystroke, and with the frames already loaded).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from lib.auth import Role, User
from lib.store import Store, catalog
from lib.store.bench_data import add_customers
from lib.usecases import lookups

QUERIES = {
    "nome comum (maria)": "maria",
    "nome + sobrenome (gabriel rocha)": "gabriel rocha",
    "nome raro (beatriz correia)": "beatriz correia",
    "sem acento (joao araujo)": "joao araujo",
    "CPF (prefixo 11 díg.)": None,  # filled from the store
    "CPF com pontuação": None,
    "login PPPoE": None,
    "nº do contrato": None,
    "telefone (8 díg.)": None,
    "sem resultado (zzzz)": "zzzz",
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def load_frames(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with store.read() as cur:
        customers = cur.execute(
            "SELECT id, name, cpf_cnpj, phones, neighbourhood, city FROM customer"
        ).df()
        logins = cur.execute("SELECT customer_id, username FROM login").df()
        contracts = cur.execute("SELECT id, customer_id FROM contract").df()
    return customers, logins, contracts


def naive_search(frames, text: str, limit: int = 20) -> list[int]:
    """The same answer as the use-case (exact keys first, then partial matches by name),
    computed in pandas."""
    customers, logins, contracts = frames
    text = text.strip().lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    numeric = bool(digits) and all(ch.isdigit() or ch in " .-/()" for ch in text)
    exact = set(logins.loc[logins["username"].str.lower() == text, "customer_id"])
    hit = customers["name"].str.lower().str.contains(text, regex=False)
    ids = set(customers.loc[hit, "id"])
    ids |= set(
        logins.loc[logins["username"].str.lower().str.contains(text, regex=False), "customer_id"]
    )
    if numeric:
        exact |= set(customers.loc[customers["cpf_cnpj"] == digits, "id"])
        exact |= set(contracts.loc[contracts["id"].astype(str) == digits, "customer_id"])
        ids |= set(customers.loc[customers["cpf_cnpj"].str.startswith(digits), "id"])
        phones = customers["phones"].fillna("").str.replace(" ", "", regex=False)
        ids |= set(customers.loc[phones.str.contains(digits, regex=False), "id"])
    found = customers[customers["id"].isin(ids | exact)]
    found = found.assign(partial=~found["id"].isin(exact))
    return list(found.sort_values(["partial", "name", "id"]).head(limit)["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        store.migrate()
        t = time.perf_counter()
        with store.transaction() as cur:
            total = add_customers(cur, args.customers)
            catalog.fill_customer_search(cur)  # what start-up does after a bulk load
            sample = cur.execute(
                """SELECT c.cpf_cnpj, l.username, ct.id, c.phones FROM customer c
                   JOIN login l ON l.customer_id = c.id JOIN contract ct ON ct.id = l.contract_id
                   WHERE c.id = (SELECT max(id) * 2 // 3 FROM customer)"""
            ).fetchone()
            logins = cur.execute("SELECT count(*) FROM login").fetchone()[0]
        print(
            f"store: {total:,} customers, {logins:,} logins, built in "
            f"{time.perf_counter() - t:.1f} s"
        )
        queries = dict(QUERIES)
        queries["CPF (prefixo 11 díg.)"] = sample[0]
        cpf = sample[0]
        queries["CPF com pontuação"] = f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"
        queries["login PPPoE"] = sample[1]
        queries["nº do contrato"] = str(sample[2])
        queries["telefone (8 díg.)"] = sample[3][-8:]

        user = User(1, "bench", "Bench", Role.ATENDENTE)
        load_time, frames = timed(lambda: load_frames(store), max(3, args.repeat // 2))
        print(f"baseline load into pandas: {_ms(load_time)} (once per keystroke when uncached)\n")
        print(
            f"{'query':34} {'use-case':>11} {'pandas':>11} {'load+pandas':>12} "
            f"{'ratio':>7} {'hits':>5}"
        )
        ours_all, naive_all = [], []
        for label, text in queries.items():
            lookups.search_customers(store, user, text)  # warm up
            ours, found = timed(
                lambda t=text: lookups.search_customers(store, user, t), args.repeat
            )
            naive, naive_found = timed(lambda t=text: naive_search(frames, t), args.repeat)
            if "acento" not in label:  # the baseline is accent-sensitive
                assert [c["id"] for c in found] == naive_found, label
            ours_all.append(ours)
            naive_all.append(naive + load_time)
            print(
                f"{label:34} {_ms(ours):>11} {_ms(naive):>11} {_ms(naive + load_time):>12} "
                f"{(naive + load_time) / ours:6.1f}x {len(found):5d}"
            )
        print(
            f"\nworst use-case query: {_ms(max(ours_all))}; median {_ms(statistics.median(ours_all))}"
            f"; naive per keystroke median {_ms(statistics.median(naive_all))} "
            f"({statistics.median(naive_all) / statistics.median(ours_all):.1f}x slower)"
        )
        store.close()


if __name__ == "__main__":
    main()
