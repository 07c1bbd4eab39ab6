"""Login with lockout, user administration and the single sign-on mapping."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lib.auth import LOGIN_FAILED, LoginRefused, Perm, Role, can, locked_until
from lib.domain import TZ, DomainError, PermissionDenied
from lib.store import staff as staff_store
from lib.usecases import users
from lib.usecases.signin import login
from tests.fixtures import PASSWORD

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)


def test_login_ok_and_every_attempt_recorded(world):
    user = login(world.store, "Financeiro ", PASSWORD, NOW)
    assert user.id == world.financeiro.id and user.role == Role.FINANCEIRO
    with world.store.read() as cur:
        (attempt,) = staff_store.attempts(cur, staff_id=world.financeiro.id)
    assert attempt["success"] is True and attempt["username"] == "financeiro"


def test_wrong_user_and_wrong_password_get_the_same_message(world):
    with pytest.raises(LoginRefused) as a:
        login(world.store, "ninguem", PASSWORD, NOW)
    with pytest.raises(LoginRefused) as b:
        login(world.store, "atendente", "errada123", NOW)
    assert str(a.value) == str(b.value) == LOGIN_FAILED
    with world.store.read() as cur:
        known, unknown = staff_store.attempts(cur)  # newest first
    assert unknown["username"] is None and known["username"] == "atendente"


def test_five_failures_lock_for_fifteen_minutes(world):
    for i in range(5):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, "atendente", "errada123", NOW + timedelta(minutes=i))
    # even the right password is refused now
    with pytest.raises(LoginRefused, match="Muitas tentativas"):
        login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=5))
    with pytest.raises(LoginRefused, match="Muitas tentativas"):
        login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=18))
    # other users are not affected
    login(world.store, "financeiro", PASSWORD, NOW + timedelta(minutes=5))
    # 15 minutes after the fifth failure the lock is over
    assert login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=19, seconds=1))


def test_failures_spread_over_more_than_15_minutes_do_not_lock(world):
    for i in range(5):
        with pytest.raises(LoginRefused, match="incorretos"):
            login(world.store, "atendente", "errada123", NOW + timedelta(minutes=5 * i))
    assert login(world.store, "atendente", PASSWORD, NOW + timedelta(minutes=21))


def test_locked_until_rule():
    f = [NOW + timedelta(minutes=i) for i in range(5)]
    assert locked_until(f, NOW + timedelta(minutes=5)) == f[-1] + timedelta(minutes=15)
    assert locked_until(f[:4], NOW) is None
    assert locked_until(f, f[-1] + timedelta(minutes=15)) is None


def test_a_switched_off_user_cannot_log_in(world):
    users.set_active(world.store, world.supervisor, world.atendente.id, False)
    with pytest.raises(LoginRefused, match="incorretos"):
        login(world.store, "atendente", PASSWORD, NOW)
    assert users.load_user(world.store, world.atendente.id).active is False


def test_supervisor_manages_users(world):
    sup = world.supervisor
    uid = users.create_user(
        world.store,
        sup,
        username="maria.f",
        name="Maria F",
        role="financeiro",
        password="segura123",
    )
    assert login(world.store, "maria.f", "segura123", NOW).role == Role.FINANCEIRO
    users.change_role(world.store, sup, uid, "supervisor")
    users.reset_password(world.store, sup, uid, "outra-senha")
    assert login(world.store, "maria.f", "outra-senha", NOW).role == Role.SUPERVISOR
    with pytest.raises(DomainError, match="já existe"):
        users.create_user(
            world.store, sup, username="maria.f", name="X", role="atendente", password="segura123"
        )
    with pytest.raises(DomainError, match="8 caracteres"):
        users.create_user(
            world.store, sup, username="novo", name="X", role="atendente", password="curta"
        )
    with pytest.raises(DomainError, match="próprio"):
        users.set_active(world.store, sup, sup.id, False)


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_supervisors_manage_users(world, role):
    actor = world.user(role)
    with pytest.raises(PermissionDenied):
        users.create_user(
            world.store, actor, username="x.y", name="X", role="atendente", password="segura123"
        )
    with pytest.raises(PermissionDenied):
        users.set_active(world.store, actor, world.atendente.id, False)
    with pytest.raises(PermissionDenied):
        users.list_users(world.store, actor)


def test_sso_maps_email_to_a_staff_user(world):
    assert (
        users.user_for_sso(world.store, "FINANCEIRO@demo.provedor.com.br").id == world.financeiro.id
    )
    with pytest.raises(PermissionDenied, match="não está cadastrado"):
        users.user_for_sso(world.store, "estranho@example.com")
    with pytest.raises(PermissionDenied):
        users.user_for_sso(world.store, None)
    users.set_active(world.store, world.supervisor, world.financeiro.id, False)
    with pytest.raises(PermissionDenied, match="desativado"):
        users.user_for_sso(world.store, "financeiro@demo.provedor.com.br")


def test_role_grants():
    from lib.auth import User

    a, f, s = (
        User(i, r, r, Role(r)) for i, r in enumerate(["atendente", "financeiro", "supervisor"])
    )
    assert can(a, Perm.OPEN_DISCOUNT) and not can(a, Perm.VIEW_CHARTS)
    assert can(f, "aprovar") and not can(f, Perm.MANAGE_USERS)
    assert all(can(s, p) for p in Perm)


def test_first_supervisor_from_the_command_line(tmp_path, monkeypatch, capsys):
    import io

    from lib import admin

    db = tmp_path / "novo.duckdb"
    monkeypatch.setattr("sys.stdin", io.StringIO("senha-forte\n"))
    code = admin.main(
        [
            "create-supervisor",
            "--username",
            "chefe",
            "--name",
            "Chefe",
            "--db",
            str(db),
            "--password-stdin",
        ]
    )
    assert code == 0 and "criado" in capsys.readouterr().out
    from lib.store import Store

    store = Store(db)
    assert login(store, "chefe", "senha-forte", NOW).role == Role.SUPERVISOR
