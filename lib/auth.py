"""Who may do what, passwords (argon2) and the lockout rule (the login itself is
lib.usecases.signin).

The permission check lives here, in lib/, so every use-case refuses what the acting user's role
does not allow, whatever the UI shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib.domain import Action, DomainError, PermissionDenied


class Role(StrEnum):
    ATENDENTE = "atendente"
    FINANCEIRO = "financeiro"
    SUPERVISOR = "supervisor"
    NOC = "noc"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ATENDENTE: "Atendente",
    Role.FINANCEIRO: "Financeiro",
    Role.SUPERVISOR: "Supervisor",
    Role.NOC: "NOC",
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
    VIEW_AUDIT = "ver_auditoria"
    MANAGE_BACKUPS = "gerenciar_backups"  # a copy of the whole store: its own permission
    VIEW_INCIDENTS = "ver_incidentes"
    MANAGE_INCIDENTS = "gerenciar_incidentes"
    # issue 14: customers from IXC, billing batches
    VIEW_CUSTOMERS = "ver_clientes"
    MANAGE_CUSTOMERS = "cadastrar_clientes"
    IMPORT_CUSTOMERS = "importar_clientes"
    BILLING = "lotes_faturamento"


_ATENDENTE = {
    Perm.READ_TICKETS,
    Perm.OPEN_TICKET,
    Perm.OPEN_DISCOUNT,
    Perm.EXPORT,
    Perm.VIEW_CUSTOMERS,
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
_FINANCEIRO = _ATENDENTE | FINANCE_ACTIONS | {Perm.BILLING}
_SUPERVISOR = _FINANCEIRO | {
    Perm.CHOOSE_METHOD,
    Perm.APPROVE_OVER_FEE,
    Perm.VIEW_CHARTS,
    Perm.MANAGE_USERS,
    Perm.MANAGE_SETTINGS,
    Perm.VIEW_AUDIT,
    Perm.MANAGE_BACKUPS,
    Perm.MANAGE_CUSTOMERS,
    Perm.IMPORT_CUSTOMERS,
}
# Incidents (issue 15): the NOC opens, edits and closes them, and reads the tickets; finance
# sees their impact (and approves their requests in bulk); supervisors do both.
_FINANCEIRO = _FINANCEIRO | {Perm.VIEW_INCIDENTS}
_SUPERVISOR = _SUPERVISOR | {Perm.VIEW_INCIDENTS, Perm.MANAGE_INCIDENTS}
_NOC = {
    Perm.READ_TICKETS,
    Perm.EXPORT,
    Perm.VIEW_INCIDENTS,
    Perm.MANAGE_INCIDENTS,
    Perm.VIEW_CUSTOMERS,  # who sits behind an affected login
}
GRANTS: dict[Role, frozenset[str]] = {
    Role.ATENDENTE: frozenset(_ATENDENTE),
    Role.FINANCEIRO: frozenset(_FINANCEIRO),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.NOC: frozenset(_NOC),
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
    Perm.VIEW_AUDIT: "ver o registro de auditoria",
    Perm.MANAGE_BACKUPS: "fazer ou baixar backups da base",
    Perm.VIEW_INCIDENTS: "ver os incidentes",
    Perm.MANAGE_INCIDENTS: "abrir, editar ou encerrar incidentes",
    Perm.VIEW_CUSTOMERS: "ver o cadastro de clientes",
    Perm.MANAGE_CUSTOMERS: "cadastrar ou editar clientes, contratos e logins",
    Perm.IMPORT_CUSTOMERS: "importar ou sincronizar clientes do IXC",
    Perm.BILLING: "montar ou fechar lotes de faturamento",
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
    # Where the current request comes from (the UI sets it on every run, for the audit log);
    # None on the command line, in tests, and for this machine itself.
    client_address: str | None = field(default=None, compare=False)

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
MAX_USERNAME_INPUT = 64  # what the login form takes; usernames have at most 40 characters
MAX_PASSWORD_INPUT = 1024
LOCK_WINDOW = timedelta(minutes=15)
# Failures within LOCK_WINDOW that lock (each lock lasts LOCK_WINDOW after the last failure):
MAX_FAILURES = 5  # one username, from one client address
NAME_MAX_FAILURES = 20  # one username, from all addresses together (a spread-out attack)
ADDRESS_MAX_FAILURES = 30  # one client address, whatever the usernames (password spraying)
LOGIN_FAILED = "Usuário ou senha incorretos."


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise DomainError(f"A senha precisa ter pelo menos {MIN_PASSWORD} caracteres.")
    if len(password) > MAX_PASSWORD_INPUT:
        raise DomainError(f"A senha pode ter no máximo {MAX_PASSWORD_INPUT} caracteres.")
    return _hasher.hash(password)


_dummy_hash: list[str] = []


def dummy_hash() -> str:
    """A hash with the app's argon2 parameters that no password matches (computed once)."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("senha que nenhum usuário tem: " + "x" * 32))
    return _dummy_hash[0]


def check_password(password_hash: str | None, password: str) -> bool:
    """Exactly one argon2 verification, whatever the case: a user without a hash (unknown,
    switched off, SSO only) is checked against a dummy hash and refused, so the time a login
    takes does not tell whether the username exists."""
    real = password_hash if password_hash and len(password) <= MAX_PASSWORD_INPUT else None
    ok: bool
    try:
        ok = _hasher.verify(real or dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    return ok and real is not None


class LoginRefused(DomainError):
    pass


class AddressThrottled(LoginRefused):
    """Too many failures from this client address, whatever the usernames."""


def locked_until(
    failures: list[datetime], now: datetime, max_failures: int = MAX_FAILURES
) -> datetime | None:
    """When `max_failures` failures (ascending times) fall within LOCK_WINDOW, the lock lasts
    LOCK_WINDOW after the last of them."""
    until = None
    for i in range(max_failures - 1, len(failures)):
        if failures[i] - failures[i - max_failures + 1] <= LOCK_WINDOW:
            end = failures[i] + LOCK_WINDOW
            if end > now and (until is None or end > until):
                until = end
    return until


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def lock_refusal(
    name_failures: list[tuple[datetime, str]],
    address_failures: list[datetime],
    address: str,
    now: datetime,
) -> LoginRefused | None:
    """Whether an attempt must be refused before any password is checked.

    `name_failures` are the username's counted failures (time, client address), oldest first;
    `address_failures` those of this client address for any username. A username locks for the
    address its failures came from, so typing five wrong passwords somewhere else does not lock
    its owner out; many failures from all addresses together lock it everywhere; and an address
    that fails too often is refused whatever username it types."""
    if until := locked_until(address_failures, now, ADDRESS_MAX_FAILURES):
        return AddressThrottled(
            "Muitas tentativas sem sucesso a partir deste endereço. "
            f"Tente de novo em {_minutes(until, now)} min."
        )
    here = locked_until([t for t, a in name_failures if a == address], now)
    everywhere = locked_until([t for t, _ in name_failures], now, NAME_MAX_FAILURES)
    until = max((u for u in (here, everywhere) if u is not None), default=None)
    if until is not None:
        return LoginRefused(
            f"Muitas tentativas sem sucesso. Tente de novo em {_minutes(until, now)} min "
            "ou peça a um supervisor para desbloquear seu usuário."
        )
    return None


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
