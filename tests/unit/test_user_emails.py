"""E-mail addresses are checked when a user is created (SSO matches users by e-mail)."""

from __future__ import annotations

import pytest

from lib.domain import DomainError
from lib.usecases import users


def create(world, email):
    return users.create_user(
        world.store,
        world.supervisor,
        username="novo.usuario",
        name="Novo Usuário",
        role="atendente",
        password="segura123",
        email=email,
    )


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "a@b",
        "@provedor.com.br",
        "maria@",
        "maria @provedor.com.br",
        "maria@provedor..com.br",
        "maria@@provedor.com.br",
        "maria@provedor.com.br\nx@y.com",
        "maria@-provedor.com.br",
        "[x](https://exemplo.invalid)@a.com",
        "m" * 65 + "@provedor.com.br",
        "maria@" + "a" * 250 + ".com",
    ],
)
def test_invalid_emails_are_refused(world, email):
    with pytest.raises(DomainError, match="não é um endereço válido"):
        create(world, email)


@pytest.mark.parametrize(
    "email", ["maria@provedor.com.br", "Maria.Souza+fin@Provedor.COM.BR", " maria@x.io "]
)
def test_valid_emails_are_kept(world, email):
    uid = users.create_user(
        world.store,
        world.supervisor,
        username="novo.usuario",
        name="Novo Usuário",
        role="atendente",
        password="segura123",
        email=email,
    )
    (row,) = [u for u in users.list_users(world.store, world.supervisor) if u["id"] == uid]
    assert row["email"] == email.strip()


def test_no_email_is_fine(world):
    assert create(world, "") and users.clean_email(None) is None


def test_the_first_supervisor_command_checks_the_email_too(tmp_path, capsys, monkeypatch):
    import io

    from lib import admin

    monkeypatch.setattr("sys.stdin", io.StringIO("segura123\n"))
    code = admin.main(
        [
            "create-supervisor",
            "--username",
            "maria",
            "--name",
            "Maria",
            "--email",
            "not-an-email",
            "--db",
            str(tmp_path / "a.duckdb"),
            "--password-stdin",
        ]
    )
    assert code == 1 and "não é um endereço válido" in capsys.readouterr().err
