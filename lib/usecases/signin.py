"""Signing in with a username and password: every attempt is recorded, and repeated failures
lock the username for a while (the rule itself, `locked_until`, is in lib.auth)."""

from __future__ import annotations

from datetime import datetime

from lib.auth import (
    LOCK_WINDOW,
    LOGIN_FAILED,
    LoginRefused,
    User,
    locked_until,
    user_from_row,
    verify_password,
)
from lib.store import Store
from lib.store import staff as staff_store


def login(store: Store, username: str, password: str, now: datetime) -> User:
    """Check a username and password; every attempt is recorded.

    After MAX_FAILURES failures for one user within LOCK_WINDOW, further attempts for that user
    are refused until the window has passed. A wrong user and a wrong password get one message.
    """
    username = (username or "").strip().lower()
    if not username or not password:
        raise LoginRefused("Informe o usuário e a senha.")
    with store.transaction() as cur:
        lock_until = locked_until(
            staff_store.failures_since(cur, username, now - 2 * LOCK_WINDOW), now
        )
        if lock_until is not None:
            wait = max(1, -(-int((lock_until - now).total_seconds()) // 60))
            staff_store.record_attempt(cur, username, now, False, "bloqueado")
            locked = LoginRefused(
                f"Muitas tentativas sem sucesso. Tente de novo em {wait} min "
                "ou peça a um supervisor para redefinir sua senha."
            )
        else:
            locked = None
            row = staff_store.by_username(cur, username)
            ok = (
                row is not None
                and row["active"]
                and verify_password(row["password_hash"], password)
            )
            staff_store.record_attempt(cur, username, now, ok, None if ok else "senha ou usuário")
    # The attempt is committed before refusing, so a refusal is never rolled back.
    if locked:
        raise locked
    if not ok:
        raise LoginRefused(LOGIN_FAILED)
    return user_from_row(row)  # type: ignore[arg-type]
