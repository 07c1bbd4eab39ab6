"""The first start of a real store: what kind of store this is, and the first supervisor created
in the browser with the one-time setup code the server printed in its log.

The code is made and held by the server process (lib.runtime); this module only compares it and
creates the user, in one transaction that also checks nobody can log in yet."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import replace

from lib.auth import Role, hash_password, user_from_row
from lib.domain import DomainError
from lib.store import Store, identity, retrying
from lib.store import staff as staff_store
from lib.usecases import audit
from lib.usecases.users import _clean_username, clean_email

# No 0/O, 1/I/L: read from a log and typed by hand.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_setup_code() -> str:
    """12 characters (about 59 bits) in three groups of four: XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _normal(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def is_demo(store: Store) -> bool:
    """Whether the store was created as a demo store (decided once, at creation)."""
    with store.read() as cur:
        return identity.is_demo(cur)


def needs_setup(store: Store) -> bool:
    """A real store where nobody can log in yet."""
    with store.read() as cur:
        return not identity.is_demo(cur) and staff_store.count_users(cur) == 0


@retrying
def create_first_supervisor(
    store: Store,
    expected_code: str | None,
    code: str,
    *,
    username: str,
    name: str,
    password: str,
    password_again: str,
    email: str | None = None,
    client_address: str | None = None,
) -> int:
    """Create the first supervisor when `code` matches the server's one-time code and nobody
    can log in yet; returns the new user's id. The audit log records the new supervisor as
    having created themself, from `client_address` (the browser that held the code)."""
    if not expected_code or not hmac.compare_digest(_normal(code), _normal(expected_code)):
        raise DomainError(
            "Código de configuração incorreto. Copie-o do log do servidor (ou do arquivo "
            "indicado no log) exatamente como aparece."
        )
    username = _clean_username(username)
    if not (name or "").strip():
        raise DomainError("Nome: informe o nome do supervisor.")
    if password != password_again:
        raise DomainError("As senhas não conferem.")
    email = clean_email(email)
    password_hash = hash_password(password)
    with store.transaction() as cur:
        if identity.is_demo(cur):
            raise DomainError("Esta é uma base de demonstração: ela já tem usuários.")
        if staff_store.count_users(cur) > 0:
            raise DomainError("O primeiro supervisor já foi criado. Entre com ele.")
        if staff_store.by_username(cur, username) is not None:
            raise DomainError(f"Usuário: já existe um usuário {username}.")
        user_id = staff_store.insert_staff(
            cur,
            username=username,
            name=name.strip(),
            role=Role.SUPERVISOR.value,
            password_hash=password_hash,
            email=email,
        )
        row = staff_store.by_id(cur, user_id)
        assert row is not None  # inserted just above, in this transaction
        creator = replace(user_from_row(row), client_address=client_address)
        audit.record(
            cur, creator, "usuario_criado", f"usuário {username}", new=Role.SUPERVISOR.label
        )
        return user_id
