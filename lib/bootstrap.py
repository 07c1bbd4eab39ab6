"""Open the store the app runs on: create the file, migrate it, and fill it with demo data the
first time (unless demo mode is off)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lib import config
from lib.store import Store, catalog, scalar


def private_files(path: str) -> None:
    """Make the store readable by the service user only: it holds password hashes.

    The process's umask gains 077, so the files DuckDB creates from now on (the database, and
    its .wal, which comes and goes with every checkpoint) are 0600 and new folders 0700; a file
    created earlier with wider permissions is narrowed to 0600."""
    os.umask(os.umask(0) | 0o077)
    for file in (Path(path), Path(path + ".wal")):
        if file.exists() and stat.S_IMODE(file.stat().st_mode) & 0o077:
            file.chmod(0o600)


def open_store(path: str | None = None, *, demo: bool | None = None) -> Store:
    path = path or config.db_path()
    demo = config.demo_enabled() if demo is None else demo
    private_files(path)
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
