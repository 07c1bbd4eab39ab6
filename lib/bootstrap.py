"""Open the store the app runs on: check the file is this app's store (lib.store.opening),
make it readable by the service user only, create and migrate it, and fill it with demo data
only when it was created as a demo store."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lib import config
from lib.store import Store, catalog, identity, scalar
from lib.store.opening import open_checked


def private_umask() -> None:
    """The process's umask gains 077: the files it creates from now on (stores, their .wal,
    backups) are 0600 and new folders 0700."""
    os.umask(os.umask(0) | 0o077)


def private_files(path: str) -> None:
    """Make the store readable by the service user only: it holds password hashes.

    The process's umask gains 077, so the files DuckDB creates from now on (the database, and
    its .wal, which comes and goes with every checkpoint) are 0600 and new folders 0700; a file
    created earlier with wider permissions is narrowed to 0600."""
    private_umask()
    for file in (Path(path), Path(path + ".wal")):
        if file.exists() and stat.S_IMODE(file.stat().st_mode) & 0o077:
            file.chmod(0o600)


def open_store(path: str | None = None, *, demo: bool | None = None, seed: bool = True) -> Store:
    """`demo` (default DESCONTO_DEMO) only counts when the store is created now: a store records
    once whether it is a demo, and DESCONTO_DEMO never changes an existing store.

    `seed=False` leaves a demo store that still needs its data empty: the server fills it in the
    background (`needs_demo_data`, `fill_demo`; lib.runtime.DemoSeeder) so its login page is
    drawn at once."""
    path = path or config.db_path()
    demo = config.demo_enabled() if demo is None else demo
    # the file is checked first (nothing is written to one that is not this app's store), then
    # made private, then opened
    store = open_checked(path, before_open=private_files)
    try:
        store.migrate(demo=demo)
        if seed:
            fill_demo(store)  # seeds only when the demo still needs its data
        else:
            with store.transaction() as cur:  # rows loaded in bulk carry no search column yet
                catalog.fill_customer_search(cur)
    except BaseException:
        store.close()
        raise
    return store


def needs_demo_data(store: Store) -> bool:
    """A demo store with no customers and no users: new, or its first seeding never committed
    (the demo is one transaction: a server stopped mid-seed leaves nothing of it)."""
    with store.read() as cur:
        return (
            identity.is_demo(cur)
            and scalar(cur, "SELECT count(*) FROM customer") == 0
            and scalar(cur, "SELECT count(*) FROM staff") == 0
        )


def fill_demo(store: Store) -> None:
    """The demo's data and users, in one transaction, then the search column. A second call
    adds nothing (and seed_demo itself refuses, in its transaction, a store that already holds
    customers or tickets)."""
    with store.exclusive("demo"):  # several servers starting on one new PostgreSQL database
        if needs_demo_data(store):  # not when an earlier call committed it (then only the search)
            from lib.demo import seed_demo  # only then: a real store's start never imports it

            seed_demo(store)
    with store.transaction() as cur:  # rows loaded in bulk carry no search column yet
        catalog.fill_customer_search(cur)
