"""Logins that survive a page reload and open in other tabs, for a working day.

At login the browser gets a random token (a cookie, set by ui.session); the store keeps only
the token's SHA-256 with its user and expiry. On each page run the token is looked up again, so
a session ends at once when it is revoked: at "Sair", when its user is switched off, or when the
user's password is reset (lib.usecases.users revokes them in the same transaction).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from lib.auth import User, user_from_row
from lib.store import Store, retrying
from lib.store import sessions as session_store
from lib.store import staff as staff_store

TOKEN_BYTES = 32
MAX_TOKEN = 100  # a cookie value longer than any token we hand out is not looked up


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@retrying
def start(
    store: Store, user: User, now: datetime, hours: float, client_address: str | None = None
) -> str:
    """A new session for a user who just logged in; returns the token for the cookie."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.transaction() as cur:
        session_store.insert_session(
            cur,
            token_hash=_hash(token),
            staff_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            client_address=client_address,
        )
    return token


def resume(store: Store, token: str | None, now: datetime) -> User | None:
    """The user of a live session (not revoked, not expired, user still active), else None."""
    if not token or len(token) > MAX_TOKEN:
        return None
    with store.read() as cur:
        found = session_store.live_session(cur, _hash(token), now)
        row = staff_store.by_id(cur, found["staff_id"]) if found else None
    if row is None or not row["active"]:
        return None
    return user_from_row(row)


@retrying
def end(store: Store, token: str | None, now: datetime, reason: str = "saiu") -> None:
    """Revoke a session ("Sair"); an unknown or already revoked token is fine."""
    if token and len(token) <= MAX_TOKEN:
        with store.transaction() as cur:
            session_store.revoke(cur, _hash(token), now, reason)
