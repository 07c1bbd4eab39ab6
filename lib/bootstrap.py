"""Open the store the app runs on: check the file is this app's store (lib.store.opening),
create and migrate it, and fill it with demo data only when it was created as a demo store."""

from __future__ import annotations

from lib import config
from lib.store import Store, catalog, identity, scalar
from lib.store.opening import open_checked


def open_store(path: str | None = None, *, demo: bool | None = None) -> Store:
    """`demo` (default DESCONTO_DEMO) only counts when the store is created now: a store records
    once whether it is a demo, and DESCONTO_DEMO never changes an existing store."""
    path = path or config.db_path()
    demo = config.demo_enabled() if demo is None else demo
    store = open_checked(path)
    try:
        store.migrate(demo=demo)
        with store.read() as cur:
            empty = (
                identity.is_demo(cur)
                and scalar(cur, "SELECT count(*) FROM customer") == 0
                and scalar(cur, "SELECT count(*) FROM staff") == 0
            )
        if empty:  # a new demo store, or one whose first seeding failed (it is one transaction)
            from lib.demo import seed_demo

            seed_demo(store)
        with store.transaction() as cur:  # rows loaded in bulk carry no search column yet
            catalog.fill_customer_search(cur)
    except BaseException:
        store.close()
        raise
    return store
