"""User administration use-cases (supervisors), the first supervisor, and single sign-on mapping."""

from __future__ import annotations

import re
from datetime import datetime

from lib.auth import (
    LOCK_WINDOW,
    NAME_MAX_FAILURES,
    Perm,
    Role,
    User,
    hash_password,
    locked_until,
    require,
    user_from_row,
)
from lib.domain import DomainError, NotFound, PermissionDenied, now
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.store import sessions as session_store
from lib.store import staff as staff_store
from lib.usecases import audit
from lib.usecases.signin import name_key

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


@retrying
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
        user_id = staff_store.insert_staff(
            cur,
            username=username,
            name=name.strip(),
            role=role_.value,
            password_hash=password_hash,
            department_id=department_id,
            email=email,
        )
        audit.record(cur, actor, "usuario_criado", f"usuário {username}", new=role_.label)
        return user_id


def _target(cur: Cursor, user_id: int) -> dict:
    row = staff_store.by_id(cur, user_id)
    if row is None:
        raise NotFound("Usuário não encontrado.")
    return row


@retrying
def change_role(store: Store, actor: User, user_id: int, role: str) -> None:
    require(actor, Perm.MANAGE_USERS)
    role_ = _role(role)
    if user_id == actor.id and role_ != Role.SUPERVISOR:
        raise DomainError("Você não pode tirar o seu próprio perfil de supervisor.")
    with store.transaction() as cur:
        row = _target(cur, user_id)
        if row["role"] == role_.value:
            return
        staff_store.update_staff(cur, user_id, role=role_.value)
        audit.record(
            cur,
            actor,
            "perfil_alterado",
            f"usuário {row['username']}",
            field="perfil",
            old=Role(row["role"]).label,
            new=role_.label,
        )


@retrying
def reset_password(store: Store, actor: User, user_id: int, new_password: str) -> None:
    """A new password: the user's open sessions end and the login lock is lifted."""
    require(actor, Perm.MANAGE_USERS)
    password_hash = hash_password(new_password)
    at = now()
    with store.read() as cur:
        key = name_key(store, _target(cur, user_id)["username"])
    with store.transaction() as cur:
        row = _target(cur, user_id)
        staff_store.update_staff(cur, user_id, password_hash=password_hash)
        ended = session_store.revoke_all(cur, user_id, at, "senha redefinida")
        staff_store.clear_guard(cur, key, at)
        audit.record(
            cur,
            actor,
            "senha_redefinida",
            f"usuário {row['username']}",
            new=f"sessões encerradas: {ended}; bloqueio de entrada retirado",
            at=at,
        )


@retrying
def set_active(store: Store, actor: User, user_id: int, active: bool) -> None:
    """Switch a user off (their open sessions end) or on again."""
    require(actor, Perm.MANAGE_USERS)
    if user_id == actor.id and not active:
        raise DomainError("Você não pode desativar o seu próprio usuário.")
    at = now()
    with store.transaction() as cur:
        row = _target(cur, user_id)
        if bool(row["active"]) == bool(active):
            return
        staff_store.update_staff(cur, user_id, active=bool(active))
        ended = 0 if active else session_store.revoke_all(cur, user_id, at, "usuário desativado")
        audit.record(
            cur,
            actor,
            "usuario_reativado" if active else "usuario_desativado",
            f"usuário {row['username']}",
            field="ativo",
            old=bool(row["active"]),
            new=bool(active) if active else f"não (sessões encerradas: {ended})",
            at=at,
        )


@retrying
def unlock_user(store: Store, actor: User, user_id: int) -> None:
    """Lift the login lock: the user's earlier failures no longer count."""
    require(actor, Perm.MANAGE_USERS)
    at = now()
    with store.read() as cur:
        key = name_key(store, _target(cur, user_id)["username"])
    with store.transaction() as cur:
        row = _target(cur, user_id)
        staff_store.clear_guard(cur, key, at)
        audit.record(cur, actor, "usuario_desbloqueado", f"usuário {row['username']}", at=at)


def locked_users(store: Store, actor: User, at: datetime | None = None) -> dict[int, datetime]:
    """Users whose name is locked now (from some address or from everywhere): id -> until."""
    require(actor, Perm.MANAGE_USERS)
    at = at or now()
    with store.read() as cur:
        people = staff_store.list_staff(cur)
    keys = {p["id"]: name_key(store, p["username"]) for p in people}
    out = {}
    with store.read() as cur:
        for user_id, key in keys.items():
            until = lock_ends(cur, key, at)
            if until is not None:
                out[user_id] = until
    return out


def lock_ends(cur: Cursor, key: str, at: datetime) -> datetime | None:
    """When the lock on a name ends, whichever address it applies to (None: not locked)."""
    since = at - 2 * LOCK_WINDOW
    cleared = staff_store.guard_cleared(cur, key)
    if cleared is not None and cleared > since:
        since = cleared
    failures = staff_store.name_failures(cur, key, since)
    ends = [locked_until([t for t, _ in failures], at, NAME_MAX_FAILURES)]
    for address in {a for _, a in failures}:
        ends.append(locked_until([t for t, a in failures if a == address], at))
    return max((e for e in ends if e is not None), default=None)


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
