"""User administration use-cases (supervisors), the first supervisor, and single sign-on mapping."""

from __future__ import annotations

import re

from lib.auth import Perm, Role, User, hash_password, require, user_from_row
from lib.domain import DomainError, NotFound, PermissionDenied
from lib.store import Store
from lib.store import catalog as cat
from lib.store import staff as staff_store

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
# One @, no spaces, a dotted domain of letters, digits and hyphens: what a mail server accepts in
# practice (the full RFC 5322 grammar allows much that no staff address has).
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}"
)


def _clean_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not (3 <= len(username) <= 40) or set(username) - USERNAME_CHARS:
        raise DomainError(
            "Usuário: use de 3 a 40 letras minúsculas, números, ponto, hífen ou sublinhado."
        )
    return username


def clean_email(email: str | None) -> str | None:
    """The e-mail, stripped (None when empty); a pt-BR DomainError when it is not an address."""
    email = (email or "").strip()
    if not email:
        return None
    local = email.rsplit("@", 1)[0]
    if len(email) > 254 or len(local) > 64 or not _EMAIL.fullmatch(email) or ".." in email:
        raise DomainError(
            f"E-mail: {email[:80]} não é um endereço válido (ex.: nome@provedor.com.br)."
        )
    return email


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise DomainError("Perfil inválido: escolha atendente, financeiro ou supervisor.") from exc


def list_users(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.MANAGE_USERS)
    with store.read() as cur:
        return staff_store.list_staff(cur)


def create_user(
    store: Store,
    actor: User | None,
    *,
    username: str,
    name: str,
    role: str,
    password: str,
    department_id: int | None = None,
    email: str | None = None,
) -> int:
    """Create a user. `actor=None` is only for the command line's first supervisor."""
    if actor is not None:
        require(actor, Perm.MANAGE_USERS)
    username = _clean_username(username)
    if not (name or "").strip():
        raise DomainError("Nome: informe o nome do usuário.")
    role_ = _role(role)
    email = clean_email(email)
    password_hash = hash_password(password)
    with store.transaction() as cur:
        if staff_store.by_username(cur, username) is not None:
            raise DomainError(f"Usuário: já existe um usuário {username}.")
        if email and staff_store.by_email(cur, email) is not None:
            raise DomainError(f"E-mail: {email} já pertence a outro usuário.")
        if department_id is not None and cat.get_item(cur, "department", department_id) is None:
            raise NotFound("Departamento não encontrado.")
        return staff_store.insert_staff(
            cur,
            username=username,
            name=name.strip(),
            role=role_.value,
            password_hash=password_hash,
            department_id=department_id,
            email=email,
        )


def _update(store: Store, actor: User, user_id: int, **fields: object) -> None:
    require(actor, Perm.MANAGE_USERS)
    with store.transaction() as cur:
        if staff_store.by_id(cur, user_id) is None:
            raise NotFound("Usuário não encontrado.")
        staff_store.update_staff(cur, user_id, **fields)


def change_role(store: Store, actor: User, user_id: int, role: str) -> None:
    require(actor, Perm.MANAGE_USERS)
    role_ = _role(role)
    if user_id == actor.id and role_ != Role.SUPERVISOR:
        raise DomainError("Você não pode tirar o seu próprio perfil de supervisor.")
    _update(store, actor, user_id, role=role_.value)


def reset_password(store: Store, actor: User, user_id: int, new_password: str) -> None:
    _update(store, actor, user_id, password_hash=hash_password(new_password))


def set_active(store: Store, actor: User, user_id: int, active: bool) -> None:
    require(actor, Perm.MANAGE_USERS)
    if user_id == actor.id and not active:
        raise DomainError("Você não pode desativar o seu próprio usuário.")
    _update(store, actor, user_id, active=active)


def load_user(store: Store, user_id: int) -> User | None:
    """The user as the store has it now (a switched-off user comes back inactive)."""
    with store.read() as cur:
        row = staff_store.by_id(cur, user_id)
    return user_from_row(row) if row else None


def has_users(store: Store) -> bool:
    with store.read() as cur:
        return staff_store.count_users(cur) > 0


def user_for_sso(store: Store, email: str | None) -> User:
    """Map an e-mail confirmed by the identity provider to an active staff user and role."""
    if not email:
        raise PermissionDenied("O provedor de identidade não informou um e-mail.")
    with store.read() as cur:
        row = staff_store.by_email(cur, email)
    if row is None:
        raise PermissionDenied(
            f"O e-mail {email} não está cadastrado. Peça a um supervisor para criar seu usuário."
        )
    user = user_from_row(row)
    if not user.active:
        raise PermissionDenied("Seu usuário está desativado.")
    return user


def login_attempts(store: Store, actor: User, limit: int = 100) -> list[dict]:
    """The latest login attempts, for the supervisors' audit."""
    require(actor, Perm.MANAGE_USERS)
    with store.read() as cur:
        return staff_store.attempts(cur, None, limit)
