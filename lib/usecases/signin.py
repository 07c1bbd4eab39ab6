"""Signing in with a username and password (the lock rules are lib.auth.lock_refusal).

Every attempt is recorded with its client address, and recorded *before* its password is
checked: the attempt counts as a failure while it is being checked, so attempts made in parallel
see each other and at most MAX_FAILURES passwords are ever checked for one username and address
in a window. Two guards serialise the attempts of one username: a process-level lock (one per
stripe of names), and the name's row in `login_guard`, which each attempt's transaction updates,
so that two concurrent transactions for one name conflict in DuckDB instead of both passing.

What was typed as the username is never stored: the attempt keeps the staff user it named (or
none) and a keyed hash of the name, which is enough to count failures per name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import weakref
from datetime import datetime

from lib.auth import (
    LOCK_WINDOW,
    LOGIN_FAILED,
    MAX_USERNAME_INPUT,
    AddressThrottled,
    LoginRefused,
    User,
    check_password,
    lock_refusal,
    user_from_row,
)
from lib.domain import StaleState
from lib.store import Store
from lib.store import staff as staff_store

_STRIPES = [threading.Lock() for _ in range(64)]
_keys: weakref.WeakKeyDictionary[Store, bytes] = weakref.WeakKeyDictionary()
_keys_lock = threading.Lock()
BUSY = "Outra tentativa de entrada com este usuário está em andamento. Tente de novo."


def _secret(store: Store) -> bytes:
    """The store's key for name hashes, created on first use."""
    with _keys_lock:
        if store not in _keys:
            with store.transaction() as cur:
                staff_store.add_secret(cur, "login_name_key", secrets.token_hex(32))
                value = staff_store.secret(cur, "login_name_key")
            assert value is not None  # just written, or written before
            _keys[store] = bytes.fromhex(value)
        return _keys[store]


def name_key(store: Store, username: str) -> str:
    """The keyed hash that stands for a typed username in the attempts log."""
    return hmac.new(_secret(store), username.encode(), hashlib.sha256).hexdigest()[:32]


def clean_username(username: str) -> str:
    return (username or "").strip().lower()[:MAX_USERNAME_INPUT]


def login(
    store: Store, username: str, password: str, now: datetime, client_address: str | None = None
) -> User:
    """Check a username and password from a client address; every attempt is recorded.

    A wrong user and a wrong password get one message, and take the same time (one argon2
    verification each); a locked name is refused before any password is checked."""
    name = clean_username(username)
    if not name or not password:
        raise LoginRefused("Informe o usuário e a senha.")
    address = (client_address or "")[:64]
    key = name_key(store, name)
    with _STRIPES[hash(key) % len(_STRIPES)]:
        attempt_id, row = _reserve(store, key, name, address, now)
    ok = check_password(row["password_hash"] if row and row["active"] else None, password)
    with store.transaction() as cur:
        staff_store.finish_attempt(cur, attempt_id, ok, None if ok else staff_store.WRONG)
        if ok:
            staff_store.clear_guard(cur, key, now)
    if not ok:
        raise LoginRefused(LOGIN_FAILED)
    assert row is not None  # a password matched
    return user_from_row(row)


def _reserve(
    store: Store, key: str, name: str, address: str, now: datetime
) -> tuple[int, dict | None]:
    """Record the attempt as being checked, unless a lock refuses it (recorded too)."""
    refusal = None
    with store.read() as cur:
        staff_store.ensure_guard(cur, key)
    try:
        with store.transaction() as cur:
            cleared = staff_store.touch_guard(cur, key)  # conflicts with a concurrent attempt
            since = now - 2 * LOCK_WINDOW
            if cleared is not None and cleared > since:
                since = cleared
            refusal = lock_refusal(
                staff_store.name_failures(cur, key, since),
                staff_store.address_failures(cur, address, now - 2 * LOCK_WINDOW),
                address,
                now,
            )
            row = staff_store.by_username(cur, name)
            attempt_id = staff_store.record_attempt(
                cur,
                name_key=key,
                staff_id=row["id"] if row else None,
                username=name,
                at=now,
                detail=(
                    staff_store.CHECKING
                    if refusal is None
                    else staff_store.ADDRESS_LOCKED
                    if isinstance(refusal, AddressThrottled)
                    else staff_store.LOCKED
                ),
                client_address=address or None,
            )
    except StaleState:  # another attempt for this name committed first
        with store.transaction() as cur:
            row = staff_store.by_username(cur, name)
            staff_store.record_attempt(
                cur,
                name_key=key,
                staff_id=row["id"] if row else None,
                username=name,
                at=now,
                detail=staff_store.BUSY,
                client_address=address or None,
            )
        raise LoginRefused(BUSY) from None
    # The refusal is committed before it is raised, so it is never rolled back.
    if refusal is not None:
        raise refusal
    return attempt_id, row
