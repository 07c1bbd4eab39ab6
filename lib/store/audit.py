"""The audit log (migration 052). Append-only by design: this module offers `append` and reads,
nothing that updates or deletes, and tests/unit/test_audit.py fails if any SQL elsewhere in lib/
updates or deletes audit rows."""

from __future__ import annotations

from datetime import datetime

from lib.store import Cursor, rows


def append(
    cur: Cursor,
    *,
    at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    target: str,
    field: str | None = None,
    old_value: str | None = None,
    new_value: str | None = None,
    client_address: str | None = None,
) -> None:
    cur.execute(
        """INSERT INTO audit_log (logged_at, actor_id, actor, action, target, field, old_value,
                                  new_value, client_address)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [at, actor_id, actor, action, target, field, old_value, new_value, client_address],
    )


def search(
    cur: Cursor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actor_id: int | None = None,
    actions: tuple[str, ...] = (),
    text: str = "",
    limit: int = 500,
) -> list[dict]:
    """Entries newest first, filtered by period [since, until), actor, actions and a text found
    (any case) in the target, the field or either value."""
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if since is not None:
        where.append("logged_at >= ?")
        params.append(since)
    if until is not None:
        where.append("logged_at < ?")
        params.append(until)
    if actor_id is not None:
        where.append("actor_id = ?")
        params.append(actor_id)
    if actions:
        where.append(f"action IN ({', '.join('?' * len(actions))})")
        params.extend(actions)
    if text:
        where.append(
            "(contains(lower(target), ?) OR contains(lower(coalesce(field, '')), ?)"
            " OR contains(lower(coalesce(old_value, '')), ?)"
            " OR contains(lower(coalesce(new_value, '')), ?))"
        )
        params.extend([text.lower()] * 4)
    return rows(
        cur,
        f"""SELECT id, logged_at, actor_id, actor, action, target, field, old_value, new_value,
                   client_address
            FROM audit_log WHERE {" AND ".join(where)} ORDER BY logged_at DESC, id DESC LIMIT ?""",
        [*params, limit],
    )


def actors(cur: Cursor) -> list[dict]:
    """Everyone who appears in the log as an actor (id and username)."""
    return rows(
        cur,
        """SELECT actor_id, max(actor) AS actor FROM audit_log WHERE actor_id IS NOT NULL
           GROUP BY actor_id ORDER BY actor""",
    )
