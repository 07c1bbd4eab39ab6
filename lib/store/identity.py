"""store_info: which app a store belongs to and whether it was created as a demo (migration
060; Store.migrate writes its one row)."""

from __future__ import annotations

from lib.store import Cursor, one


def read(cur: Cursor) -> dict | None:
    """app, demo, origin ('criada' with the row, or 'anterior' to it) and created_at."""
    return one(cur, "SELECT app, demo, origin, created_at FROM store_info WHERE id = 1")


def is_demo(cur: Cursor) -> bool:
    info = read(cur)
    return bool(info and info["demo"])
