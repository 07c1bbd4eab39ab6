"""Open the store the app runs on: create the file, migrate it, and fill it with demo data the
first time (unless demo mode is off)."""

from __future__ import annotations

from lib import config
from lib.store import Store, catalog, scalar


def open_store(path: str | None = None, *, demo: bool | None = None) -> Store:
    path = path or config.db_path()
    demo = config.demo_enabled() if demo is None else demo
    store = Store(path)
    store.migrate()
    if demo:
        with store.read() as cur:
            empty = scalar(cur, "SELECT count(*) FROM customer") == 0
        if empty:  # a new file, or a first start whose seeding failed (it is one transaction)
            from lib.demo import seed_demo

            seed_demo(store)
    with store.transaction() as cur:  # rows loaded in bulk carry no search column yet
        catalog.fill_customer_search(cur)
    return store
