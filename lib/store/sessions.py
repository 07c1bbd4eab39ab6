"""Web sessions: the hashes of the tokens browsers keep in a cookie (migration 051)."""

from __future__ import annotations

from datetime import datetime

from lib.store import Cursor, one, scalar


def insert_session(
    cur: Cursor,
    *,
    token_hash: str,
    staff_id: int,
    created_at: datetime,
    expires_at: datetime,
    client_address: str | None,
) -> None:
    cur.execute(
        """INSERT INTO web_session (token_hash, staff_id, created_at, expires_at, client_address)
           VALUES (?, ?, ?, ?, ?)""",
        [token_hash, staff_id, created_at, expires_at, client_address],
    )


def live_session(cur: Cursor, token_hash: str, now: datetime) -> dict | None:
    """The session with this hash when it is neither revoked nor expired."""
    return one(
        cur,
        """SELECT token_hash, staff_id, created_at, expires_at FROM web_session
           WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?""",
        [token_hash, now],
    )


def revoke(cur: Cursor, token_hash: str, at: datetime, reason: str) -> bool:
    found = cur.execute(
        """UPDATE web_session SET revoked_at = ?, revoked_reason = ?
           WHERE token_hash = ? AND revoked_at IS NULL RETURNING token_hash""",
        [at, reason, token_hash],
    ).fetchall()
    return bool(found)


def revoke_all(cur: Cursor, staff_id: int, at: datetime, reason: str) -> int:
    """End every live session of a user; returns how many."""
    found = cur.execute(
        """UPDATE web_session SET revoked_at = ?, revoked_reason = ?
           WHERE staff_id = ? AND revoked_at IS NULL AND expires_at > ? RETURNING token_hash""",
        [at, reason, staff_id, at],
    ).fetchall()
    return len(found)


def live_count(cur: Cursor, staff_id: int, now: datetime) -> int:
    return int(
        scalar(
            cur,
            """SELECT count(*) FROM web_session
               WHERE staff_id = ? AND revoked_at IS NULL AND expires_at > ?""",
            [staff_id, now],
        )
    )
