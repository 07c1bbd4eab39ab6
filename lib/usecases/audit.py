"""The audit log: who changed what, when, from which value to which, from which address.

Use-cases that change users, settings or catalogs call `record` inside their own transaction, so
the change and its entry are committed together. Supervisors read the log with `entries`.
Nothing here (or in lib.store.audit) edits or deletes an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lib.auth import Perm, User, require
from lib.domain import TZ, now
from lib.store import Cursor, Store
from lib.store import audit as audit_store
from lib.store import staff as staff_store

ACTIONS = {
    "usuario_criado": "Usuário criado",
    "perfil_alterado": "Perfil alterado",
    "senha_redefinida": "Senha redefinida",
    "usuario_desativado": "Usuário desativado",
    "usuario_reativado": "Usuário reativado",
    "usuario_desbloqueado": "Usuário desbloqueado",
    "configuracao_alterada": "Configuração alterada",
    "cadastro_criado": "Cadastro criado",
    "cadastro_alterado": "Cadastro alterado",
    "cadastro_desligado": "Cadastro desligado",
    "cadastro_religado": "Cadastro religado",
}
COMMAND_LINE = "(linha de comando)"
MAX_VALUE = 2000  # characters kept of an old or new value


def record(
    cur: Cursor,
    actor: User | None,
    action: str,
    target: str,
    *,
    field: str | None = None,
    old: object = None,
    new: object = None,
    at: datetime | None = None,
) -> None:
    """Append one entry in the caller's transaction. `actor=None` is the server's command line."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    audit_store.append(
        cur,
        at=at or now(),
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else COMMAND_LINE,
        action=action,
        target=target,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        client_address=actor.client_address if actor else None,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "sim" if value else "não"
    return str(value)[:MAX_VALUE]


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    actor_id: int | None = None
    actions: tuple[str, ...] = ()
    text: str = ""


def entries(store: Store, actor: User, filters: AuditFilters, limit: int = 500) -> list[dict]:
    """Entries newest first, each with `action_label`; the period is São Paulo days, inclusive."""
    require(actor, Perm.VIEW_AUDIT)
    since = datetime.combine(filters.date_from, time(0), TZ) if filters.date_from else None
    until = (
        datetime.combine(filters.date_to + timedelta(days=1), time(0), TZ)
        if filters.date_to and filters.date_to < date.max
        else None
    )
    with store.read() as cur:
        found = audit_store.search(
            cur,
            since=since,
            until=until,
            actor_id=filters.actor_id,
            actions=tuple(a for a in filters.actions if a in ACTIONS),
            text=filters.text.strip()[:100],
            limit=limit,
        )
    for row in found:
        row["action_label"] = ACTIONS.get(row["action"], row["action"])
    return found


def actors(store: Store, actor: User) -> dict[int, str]:
    """Who appears in the log as an actor: id -> username."""
    require(actor, Perm.VIEW_AUDIT)
    with store.read() as cur:
        return {r["actor_id"]: r["actor"] for r in audit_store.actors(cur)}


def login_attempts(store: Store, actor: User, limit: int = 200) -> list[dict]:
    """The latest login attempts. `username` is None for a name that does not exist: what was
    typed is not kept (it may have been a password typed in the wrong field)."""
    require(actor, Perm.VIEW_AUDIT)
    with store.read() as cur:
        return staff_store.attempts(cur, limit=limit)
