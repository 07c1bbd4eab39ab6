"""Closing a large incident: one transaction that records the signal's return on every linked
request and, with automatic compensation on, creates a request for every other contract.

    python -m bench.incident_close [--contracts 2000] [--linked 500]

Builds a throw-away store with `--contracts` customers (one contract and login each) on 20 CTO
boxes, opens an incident over all the boxes, links `--linked` requests to it through the
request use-case, and times `close_incident` (one run: a close happens once). Prints the time
per request touched, and, as the baseline measured in the same run, the same work done the
naive way: one `record_signal_return` call (its own transaction) per linked request plus one
`open_discount_request` per remaining contract.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from lib.auth import user_from_row
from lib.domain import TZ
from lib.store import Store
from lib.store import catalog as cat
from lib.store import staff as staff_store
from lib.usecases import discount_requests, incidents, settings
from lib.usecases.discount_requests import DiscountRequestInput
from lib.usecases.incidents import IncidentInput

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=TZ)
START = NOW - timedelta(hours=8)
END = START + timedelta(hours=5, minutes=40)


def build(path: Path, contracts: int, linked: int) -> tuple[Store, object, list[dict], int]:
    store = Store(path)
    store.migrate()
    with store.transaction() as cur:
        sid = staff_store.insert_staff(
            cur, username="sup", name="Sup", role="supervisor", password_hash=None
        )
        user = user_from_row(staff_store.by_id(cur, sid))
        people = []
        for i in range(contracts):
            cust = cat.insert_customer(cur, name=f"Cliente {i}", cpf_cnpj=f"{i:011d}")
            contract = cat.insert_contract(
                cur,
                customer_id=cust,
                plan="Fibra",
                monthly_fee=Decimal("79.90") + Decimal(i % 50),
                due_day=10,
            )
            login = cat.insert_login(
                cur,
                customer_id=cust,
                contract_id=contract,
                username=f"l{i}",
                cto_box=f"CTO-{i % 20:02d}",
            )
            people.append({"customer": cust, "contract": contract, "login": login})
    settings.set_incident_auto_compensation(store, user, True)
    incident_id = incidents.open_incident(
        store,
        user,
        IncidentInput(3, "Bench", "", START, "cto", [f"CTO-{b:02d}" for b in range(20)]),
        "bench",
        now=NOW,
    )
    for p in people[:linked]:
        discount_requests.open_discount_request(
            store,
            user,
            DiscountRequestInput(
                customer_id=p["customer"],
                login_id=p["login"],
                contract_id=p["contract"],
                reason=3,
                occurred_on=START.date(),
                opened_at=START + timedelta(minutes=30),
                signal_returned_at=None,
                opa_protocol="OPA123456",
                incident_id=incident_id,
            ),
            f"k{p['login']}",
            now=NOW,
        )
    return store, user, people, incident_id


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contracts", type=int, default=2000)
    ap.add_argument("--linked", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, user, people, incident_id = build(
            Path(tmp) / "a.duckdb", args.contracts, args.linked
        )
        version = incidents.incident_view(store, user, incident_id).incident["version"]
        t0 = time.perf_counter()
        result = incidents.close_incident(store, user, incident_id, END, version, now=NOW)
        close_s = time.perf_counter() - t0
        store.close()
        touched = result.returned + result.created
        print(
            f"close_incident, one transaction: {close_s * 1000:,.0f} ms for {result.returned} "
            f"returns + {result.created} automatic requests "
            f"({close_s * 1000 / max(touched, 1):.2f} ms each)"
        )

        store, user, people, incident_id = build(
            Path(tmp) / "b.duckdb", args.contracts, args.linked
        )
        view = incidents.incident_view(store, user, incident_id)
        t0 = time.perf_counter()
        for r in view.requests:
            discount_requests.record_signal_return(store, user, r["ticket_id"], END, now=NOW)
        for p in people[args.linked :]:
            discount_requests.open_discount_request(
                store,
                user,
                DiscountRequestInput(
                    customer_id=p["customer"],
                    login_id=p["login"],
                    contract_id=p["contract"],
                    reason=3,
                    occurred_on=START.date(),
                    opened_at=NOW,
                    signal_returned_at=END,
                    incident_started_at=START,
                    opa_protocol="AUTO000000",
                ),
                f"n{p['login']}",
                now=NOW,
            )
        naive_s = time.perf_counter() - t0
        store.close()
        print(
            f"baseline, one use-case call per request: {naive_s * 1000:,.0f} ms "
            f"({naive_s / close_s:.1f}x the close)"
        )


if __name__ == "__main__":
    main()
