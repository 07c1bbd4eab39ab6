"""Who may do what, passwords (argon2) and the lockout rule (the login itself is
lib.usecases.signin).

The permission check lives here, in lib/, so every use-case refuses what the acting user's role
does not allow, whatever the UI shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib.domain import Action, DomainError, PermissionDenied


class Role(StrEnum):
    ATENDENTE = "atendente"
    FINANCEIRO = "financeiro"
    SUPERVISOR = "supervisor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ATENDENTE: "Atendente",
    Role.FINANCEIRO: "Financeiro",
    Role.SUPERVISOR: "Supervisor",
}


class Perm(StrEnum):
    """Permissions beyond the ticket actions."""

    READ_TICKETS = "ler_atendimentos"
    OPEN_TICKET = "abrir_atendimento"
    OPEN_DISCOUNT = "abrir_desconto"
    CHOOSE_METHOD = "escolher_metodo"
    APPROVE_OVER_FEE = "aprovar_acima_mensalidade"
    VIEW_CHARTS = "ver_graficos"
    MANAGE_USERS = "gerenciar_usuarios"
    MANAGE_SETTINGS = "gerenciar_cadastros"
    EXPORT = "exportar"


_ATENDENTE = {
    Perm.READ_TICKETS,
    Perm.OPEN_TICKET,
    Perm.OPEN_DISCOUNT,
    Perm.EXPORT,
    Action.ABRIR,
    Action.MENSAGEM,
    Action.RETORNO_SINAL,
}
# Actions that, on a discount ticket, only finance (and supervisors) may take. Forwarding is
# one: a discount request stays in FINANCEIRO's queue (ticket_actions.forward also refuses to
# move it while its decision is open).
FINANCE_ACTIONS = {
    Action.ASSUMIR,
    Action.ENCAMINHAR,
    Action.APROVAR,
    Action.REPROVAR,
    Action.APLICAR,
    Action.CANCELAR,
    Action.PENDENCIAR,
    Action.DESFAZER_APLICACAO,
}
_FINANCEIRO = _ATENDENTE | FINANCE_ACTIONS
_SUPERVISOR = _FINANCEIRO | {
    Perm.CHOOSE_METHOD,
    Perm.APPROVE_OVER_FEE,
    Perm.VIEW_CHARTS,
    Perm.MANAGE_USERS,
    Perm.MANAGE_SETTINGS,
}
GRANTS: dict[Role, frozenset[str]] = {
    Role.ATENDENTE: frozenset(_ATENDENTE),
    Role.FINANCEIRO: frozenset(_FINANCEIRO),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
}
# On tickets of other subjects, anyone may assume, forward, pend, solve and cancel.
_ANY_TICKET = {
    Action.ASSUMIR,
    Action.ENCAMINHAR,
    Action.CANCELAR,
    Action.PENDENCIAR,
    Action.SOLUCIONAR,
}

DENIED = {
    Action.ASSUMIR: "assumir atendimentos de desconto",
    Action.ENCAMINHAR: "encaminhar atendimentos de desconto",
    Action.APROVAR: "aprovar descontos",
    Action.REPROVAR: "reprovar descontos",
    Action.APLICAR: "marcar descontos como aplicados",
    Action.DESFAZER_APLICACAO: "desfazer a aplicação de descontos",
    Action.CANCELAR: "cancelar atendimentos de desconto",
    Action.PENDENCIAR: "deixar atendimentos de desconto pendentes",
    Action.SOLUCIONAR: "solucionar atendimentos de desconto",
    Perm.CHOOSE_METHOD: "escolher outro método de cálculo",
    Perm.APPROVE_OVER_FEE: "aprovar desconto acima de uma mensalidade",
    Perm.VIEW_CHARTS: "ver os gráficos",
    Perm.MANAGE_USERS: "gerenciar usuários",
    Perm.MANAGE_SETTINGS: "gerenciar cadastros e configurações",
}


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str
    role: Role
    department_id: int | None = None
    email: str | None = None
    active: bool = True

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def can(user: User, what: str, *, discount_ticket: bool = True) -> bool:
    if not user.active:
        return False
    if not discount_ticket and what in _ANY_TICKET:
        return True
    return what in GRANTS[Role(user.role)]


def require(user: User | None, what: str, *, discount_ticket: bool = True) -> User:
    """Return the user when allowed; raise PermissionDenied (pt-BR) otherwise."""
    if user is None:
        raise PermissionDenied("Entre no sistema para continuar.")
    if not user.active:
        raise PermissionDenied("Seu usuário está desativado.")
    if not can(user, what, discount_ticket=discount_ticket):
        doing = DENIED.get(what, "fazer esta operação")  # type: ignore[call-overload]
        raise PermissionDenied(f"O perfil {user.role_label} não pode {doing}.")
    return user


# --- passwords and login ---------------------------------------------------------------------

_hasher = PasswordHasher()
MIN_PASSWORD = 8
MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
LOGIN_FAILED = "Usuário ou senha incorretos."


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise DomainError(f"A senha precisa ter pelo menos {MIN_PASSWORD} caracteres.")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LoginRefused(DomainError):
    pass


def locked_until(failures: list[datetime], now: datetime) -> datetime | None:
    """When MAX_FAILURES failures (ascending times) fall within LOCK_WINDOW, the user is locked
    for LOCK_WINDOW after the last of them."""
    until = None
    for i in range(MAX_FAILURES - 1, len(failures)):
        if failures[i] - failures[i - MAX_FAILURES + 1] <= LOCK_WINDOW:
            end = failures[i] + LOCK_WINDOW
            if end > now and (until is None or end > until):
                until = end
    return until


def user_from_row(row: dict) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        name=row["name"],
        role=Role(row["role"]),
        department_id=row.get("department_id"),
        email=row.get("email"),
        active=bool(row["active"]),
    )
