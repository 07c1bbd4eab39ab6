"""The login under attack: parallel guessing, lockout, client addresses, timing and what the
attempts log keeps (issue 12, items 1 to 5)."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import datetime, timedelta

import pytest

from lib import auth
from lib.auth import (
    ADDRESS_MAX_FAILURES,
    LOGIN_FAILED,
    MAX_FAILURES,
    NAME_MAX_FAILURES,
    LoginRefused,
)
from lib.domain import TZ
from lib.store import staff as staff_store
from lib.usecases import signin, users
from lib.usecases.signin import login
from tests.fixtures import PASSWORD

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)
# an exception inside one of the parallel attempts fails the test
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


@pytest.fixture
def verifications(monkeypatch):
    """Every argon2 verification, as (hash, password); each takes 50 ms, like a slow server."""
    calls: list[tuple[str, str]] = []
    real = auth._hasher

    class Counting:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, hash_: str, password: str) -> bool:
            calls.append((hash_, password))
            time.sleep(0.05)
            return real.verify(hash_, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    return calls


@pytest.fixture
def cheap_dummy(monkeypatch):
    """A dummy hash with the tests' cheap argon2 parameters, for tests of many unknown names
    (with the app's parameters each costs what a real login does: most of a second here)."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("ninguém tem")
    monkeypatch.setattr(auth, "_dummy_hash", [cheap])


def parallel_attempts(world, n: int, username: str = "supervisor", address: str | None = None):
    """`n` threads try a wrong password for `username` at once against one Store."""
    barrier = threading.Barrier(n)
    results: list[str] = []

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            login(world.store, username, f"errada{i:03d}", NOW, address)
            results.append("ENTROU")
        except LoginRefused as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_24_parallel_wrong_passwords_check_at_most_5(world, verifications):
    results = parallel_attempts(world, 24)
    assert len(results) == 24 and "ENTROU" not in results
    assert len(verifications) <= MAX_FAILURES
    assert results.count(LOGIN_FAILED) == len(verifications)
    # the rest were refused without checking their password, and every attempt was recorded
    with world.store.read() as cur:
        recorded = staff_store.attempts(cur, staff_id=world.supervisor.id)
    assert len(recorded) == 24
    assert sum(r["detail"] == staff_store.WRONG for r in recorded) == len(verifications)
    # even the right password waits for the lock to pass
    with pytest.raises(LoginRefused, match="Muitas tentativas"):
        login(world.store, "supervisor", PASSWORD, NOW + timedelta(seconds=1))


def test_the_store_alone_serialises_attempts_without_the_process_lock(
    world, verifications, monkeypatch
):
    # Without the per-name lock in the process, the guard row of login_guard makes concurrent
    # transactions for one name conflict in DuckDB: the losers are refused unchecked.
    monkeypatch.setattr(signin, "_STRIPES", [contextlib.nullcontext()])
    results = parallel_attempts(world, 24)
    assert "ENTROU" not in results
    assert len(verifications) <= MAX_FAILURES
    assert set(results) <= {LOGIN_FAILED, signin.BUSY} | {r for r in results if "Muitas" in r}


def test_unknown_and_switched_off_users_cost_one_verification_like_a_known_one(
    world, verifications
):
    users.set_active(world.store, world.supervisor, world.atendente.id, False)
    for name in ("financeiro", "ninguem", "atendente"):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, name, "errada123", NOW)
    known, unknown, off = verifications
    assert known[0].startswith("$argon2")
    # the dummy hash has the app's own argon2 parameters, so it costs what a real one does
    assert unknown[0] == off[0] == auth.dummy_hash()
    assert auth.dummy_hash().split("$")[3] == auth.hash_password("x" * 8).split("$")[3]


def test_a_password_reset_lifts_the_lock(world):
    for i in range(MAX_FAILURES):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, "atendente", "errada123", NOW + timedelta(seconds=i))
    with pytest.raises(LoginRefused, match="peça a um supervisor para desbloquear"):
        login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=1))
    assert world.atendente.id in users.locked_users(
        world.store, world.supervisor, NOW + timedelta(minutes=1)
    )
    users.reset_password(world.store, world.supervisor, world.atendente.id, "nova-senha-1")
    assert login(world.store, "atendente", "nova-senha-1", NOW + timedelta(minutes=2))


def test_a_supervisor_unlocks_a_user(world):
    for i in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            login(world.store, "financeiro", "errada123", NOW + timedelta(seconds=i))
    with pytest.raises(LoginRefused, match="Muitas tentativas"):
        login(world.store, "financeiro", PASSWORD, NOW + timedelta(minutes=1))
    with pytest.raises(auth.PermissionDenied):
        users.unlock_user(world.store, world.atendente, world.financeiro.id)
    users.unlock_user(world.store, world.supervisor, world.financeiro.id)
    assert users.locked_users(world.store, world.supervisor, NOW + timedelta(minutes=1)) == {}
    assert login(world.store, "financeiro", PASSWORD, NOW + timedelta(minutes=1))


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(world):
    attacker, office = "203.0.113.9", "198.51.100.20"
    for i in range(MAX_FAILURES + 3):
        with pytest.raises(LoginRefused):
            login(world.store, "supervisor", "errada123", NOW + timedelta(seconds=i), attacker)
    with pytest.raises(LoginRefused, match="Muitas tentativas"):
        login(world.store, "supervisor", PASSWORD, NOW + timedelta(minutes=1), attacker)
    # the supervisor, at the office, still logs in
    assert login(world.store, "supervisor", PASSWORD, NOW + timedelta(minutes=1), office)
    with world.store.read() as cur:
        recorded = staff_store.attempts(cur, staff_id=world.supervisor.id)
    assert {r["client_address"] for r in recorded} == {attacker, office}


def test_an_address_that_fails_too_often_is_refused_for_any_username(
    world, verifications, cheap_dummy
):
    attacker = "203.0.113.9"
    for i in range(ADDRESS_MAX_FAILURES):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, f"nome{i}", "errada123", NOW + timedelta(seconds=i), attacker)
    checked = len(verifications)
    with pytest.raises(LoginRefused, match="deste endereço"):
        login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=1), attacker)
    assert len(verifications) == checked  # refused before any password check
    assert login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=1), "198.51.100.2")
    # after the window the address may try again
    assert login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=16), attacker)


def test_a_spread_out_attack_locks_the_name_everywhere(world):
    for i in range(NAME_MAX_FAILURES):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, "supervisor", "x" * 9, NOW + timedelta(seconds=i), f"10.0.{i}.1")
    with pytest.raises(LoginRefused, match="Muitas tentativas"):
        login(world.store, "supervisor", PASSWORD, NOW + timedelta(minutes=1), "10.9.9.9")


def test_unknown_names_lock_like_known_ones(world, cheap_dummy):
    # otherwise the lock message itself would tell which usernames exist
    for name in ("supervisor", "nao.existe"):
        for i in range(MAX_FAILURES):
            with pytest.raises(LoginRefused, match="incorretos"):
                login(world.store, name, "errada123", NOW + timedelta(seconds=i))
        with pytest.raises(LoginRefused, match="Muitas tentativas") as refused:
            login(world.store, name, PASSWORD, NOW + timedelta(minutes=1))
        assert "desbloquear" in str(refused.value)


def test_what_was_typed_as_username_is_not_stored(world, cheap_dummy):
    huge = "senhasecreta" * 20_000  # 240,000 characters
    for typed in (huge, "minhaSenha!2026"):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, typed, "x", NOW)
    with world.store.read() as cur:
        stored = cur.execute(
            "SELECT username, staff_id, name_key, client_address FROM login_attempt"
        ).fetchall()
        longest = cur.execute(
            "SELECT max(length(username)), max(length(name_key)) FROM login_attempt"
        ).fetchone()
    assert [(u, s) for u, s, _, _ in stored] == [("", None), ("", None)]
    assert longest == (0, 32)
    assert not any("senha" in str(v).lower() for row in stored for v in row)


def test_the_attempts_list_flags_unknown_names(world, cheap_dummy):
    from lib.usecases import audit

    with pytest.raises(LoginRefused):
        login(world.store, "atendentee", "x", NOW, "203.0.113.9")
    login(world.store, "atendente", PASSWORD, NOW + timedelta(seconds=1))
    latest, typo = audit.login_attempts(world.store, world.supervisor)
    assert (latest["username"], latest["success"]) == ("atendente", True)
    assert typo["username"] is None and typo["client_address"] == "203.0.113.9"
    with pytest.raises(auth.PermissionDenied):
        audit.login_attempts(world.store, world.financeiro)
