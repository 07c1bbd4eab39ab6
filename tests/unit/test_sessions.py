"""Logins that outlive a reload: a random token, stored hashed, revocable, for a working day."""

from __future__ import annotations

from datetime import datetime, timedelta

from lib.domain import TZ
from lib.usecases import sessions, users

# The real clock: switching a user off revokes the sessions still alive at the real now, so a
# fixed date made this file fail every day after its sessions' 12 h had run out.
NOW = datetime.now(TZ).replace(microsecond=0)


def test_a_token_resumes_its_user_until_it_expires(world):
    token = sessions.start(world.store, world.financeiro, NOW, 12, "198.51.100.7")
    assert len(token) >= 40
    assert sessions.resume(world.store, token, NOW + timedelta(hours=11)).id == world.financeiro.id
    assert sessions.resume(world.store, token, NOW + timedelta(hours=12, seconds=1)) is None


def test_the_store_keeps_only_the_hash_of_the_token(world):
    token = sessions.start(world.store, world.financeiro, NOW, 12)
    with world.store.read() as cur:
        stored = cur.execute("SELECT * FROM web_session").fetchall()
    assert token not in str(stored)


def test_sair_revokes_the_token(world):
    token = sessions.start(world.store, world.atendente, NOW, 12)
    other = sessions.start(world.store, world.atendente, NOW, 12)  # another browser
    sessions.end(world.store, token, NOW + timedelta(hours=1))
    assert sessions.resume(world.store, token, NOW + timedelta(hours=1)) is None
    assert sessions.resume(world.store, other, NOW + timedelta(hours=1)) is not None


def test_switching_a_user_off_or_resetting_the_password_ends_every_session(world):
    a = sessions.start(world.store, world.atendente, NOW, 12)
    f = sessions.start(world.store, world.financeiro, NOW, 12)
    users.set_active(world.store, world.supervisor, world.atendente.id, False)
    users.set_active(world.store, world.supervisor, world.atendente.id, True)
    assert sessions.resume(world.store, a, NOW) is None  # switched back on: still ended
    users.reset_password(world.store, world.supervisor, world.financeiro.id, "nova-senha-1")
    assert sessions.resume(world.store, f, NOW) is None


def test_a_switched_off_user_is_not_resumed_even_before_revocation(world):
    token = sessions.start(world.store, world.atendente, NOW, 12)
    with world.store.transaction() as cur:  # switched off behind the use-case's back
        cur.execute("UPDATE staff SET active = FALSE WHERE id = ?", [world.atendente.id])
    assert sessions.resume(world.store, token, NOW) is None


def test_forged_or_absurd_tokens_resume_nobody(world):
    sessions.start(world.store, world.supervisor, NOW, 12)
    for token in ("", None, "x", "' OR 1=1 --", "a" * 10_000):
        assert sessions.resume(world.store, token, NOW) is None
        sessions.end(world.store, token, NOW)  # no error either
