"""Value objects, codes and pure rules of the ticket domain (IXC Soft's su_ticket model).

Codes are the ones IXC stores; labels are what the pt-BR UI shows. Nothing here touches the
store or Streamlit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

TZ = ZoneInfo("America/Sao_Paulo")

DISCOUNT_SUBJECT = "DESCONTO EM FATURA"
FINANCE_DEPARTMENT = "FINANCEIRO"


def now() -> datetime:
    """The current time in America/Sao_Paulo (zone-aware)."""
    return datetime.now(TZ)


class DomainError(ValueError):
    """A rule of the domain refused the operation; `str(err)` is a pt-BR message for the user."""


class PermissionDenied(DomainError):
    """The acting user's role may not do this."""


class NotFound(DomainError):
    """The record asked for does not exist."""


class StaleState(DomainError):
    """The record changed since the screen was drawn (the conditional update matched nothing)."""


class Status(StrEnum):
    NOVO = "N"
    PENDENTE = "P"
    EM_PROGRESSO = "EP"
    SOLUCIONADO = "S"
    CANCELADO = "C"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.NOVO: "Novo",
    Status.PENDENTE: "Pendente",
    Status.EM_PROGRESSO: "Em progresso",
    Status.SOLUCIONADO: "Solucionado",
    Status.CANCELADO: "Cancelado",
}
OPEN_STATUSES = (Status.NOVO, Status.PENDENTE, Status.EM_PROGRESSO)

PRIORITY_LABELS = {"B": "Baixa", "M": "Normal", "A": "Alta", "C": "Crítica"}
BEST_TIME_LABELS = {"M": "Manhã", "T": "Tarde", "N": "Noite", "Q": "Qualquer"}
ORIGIN_LABELS = {"I": "Interna", "H": "Hotsite"}
ADDRESS_ORIGIN_LABELS = {"C": "Cliente", "L": "Login", "CC": "Contrato", "M": "Manual"}
PENDING_INTERACTION_LABELS = {"A": "Ambos", "E": "Externa", "I": "Interna", "N": "Nenhuma"}


@dataclass(frozen=True)
class ReasonInfo:
    code: int
    label: str
    hint: str
    scope: str  # "cliente" or "massiva"

    @property
    def is_incident(self) -> bool:
        return self.scope == "massiva"


REASONS: dict[int, ReasonInfo] = {
    1: ReasonInfo(
        1,
        "Técnico não compareceu na data agendada",
        "A visita técnica não aconteceu no dia marcado e foi remarcada para outra data.",
        "cliente",
    ),
    2: ReasonInfo(
        2,
        "Problema constatado da empresa",
        "A visita técnica constatou que o defeito era da empresa (equipamento, NAP/CTO etc.).",
        "cliente",
    ),
    3: ReasonInfo(3, "Rompimento externo", "Rompimento de cabo na rede externa.", "massiva"),
    4: ReasonInfo(
        4,
        "Queda massiva por configuração interna",
        "Queda de vários clientes causada por problema interno de configuração.",
        "massiva",
    ),
    5: ReasonInfo(
        5,
        "Roubo de caixa de emenda",
        "Caixa de emenda furtada na rede externa.",
        "massiva",
    ),
}
# The mass events an incident can be (rompimento, queda massiva, roubo de caixa).
INCIDENT_REASONS = (3, 4, 5)

VISIT_FINDINGS = {"equipamento": "Equipamento com defeito", "nap_cto": "NAP/CTO", "outro": "Outro"}


class Decision(StrEnum):
    """Finance's decision on a discount request, on top of the ticket status."""

    AGUARDANDO_RETORNO = "aguardando_retorno"
    PENDENTE = "pendente"
    APROVADO = "aprovado"
    REPROVADO = "reprovado"
    APLICADO = "aplicado"
    CANCELADO = "cancelado"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    Decision.AGUARDANDO_RETORNO: "Aguardando retorno do sinal",
    Decision.PENDENTE: "Pendente",
    Decision.APROVADO: "Aprovado",
    Decision.REPROVADO: "Reprovado",
    Decision.APLICADO: "Aplicado",
    Decision.CANCELADO: "Cancelado",
}
# Finance has still to decide (or apply) these: the request must stay in FINANCEIRO's queue.
OPEN_DECISIONS = frozenset({Decision.AGUARDANDO_RETORNO, Decision.PENDENTE, Decision.APROVADO})


class Action(StrEnum):
    ABRIR = "abrir"
    ASSUMIR = "assumir"
    ENCAMINHAR = "encaminhar"
    MENSAGEM = "mensagem"
    RETORNO_SINAL = "retorno_sinal"
    APROVAR = "aprovar"
    REPROVAR = "reprovar"
    APLICAR = "aplicar"
    CANCELAR = "cancelar"
    # Tickets of other subjects: wait on someone (Pendente) and solve. Without these no
    # non-discount ticket could ever reach Pendente or Solucionado.
    PENDENCIAR = "pendenciar"
    SOLUCIONAR = "solucionar"
    # Undo "aplicado" (finance marked the wrong request, or the billing system refused the
    # credit): the decision goes back to aprovado and the ticket reopens, with a reason.
    DESFAZER_APLICACAO = "desfazer_aplicacao"


ACTION_LABELS = {
    Action.ABRIR: "Abertura",
    Action.ASSUMIR: "Assumir",
    Action.ENCAMINHAR: "Encaminhar",
    Action.MENSAGEM: "Mensagem",
    Action.RETORNO_SINAL: "Retorno do sinal",
    Action.APROVAR: "Aprovar",
    Action.REPROVAR: "Reprovar",
    Action.APLICAR: "Marcar como aplicado",
    Action.CANCELAR: "Cancelar",
    Action.PENDENCIAR: "Marcar como pendente",
    Action.SOLUCIONAR: "Solucionar",
    Action.DESFAZER_APLICACAO: "Desfazer aplicação",
}

# Movements that are not ticket actions: a discount sent to billing in a batch, and billing's
# refusal of it (lib/usecases/billing.py).
BILLING_SENT_KIND = "enviar_faturamento"
BILLING_REFUSED_KIND = "recusa_faturamento"
# How a ticket's history names each movement kind.
MOVEMENT_LABELS: dict[str, str] = {
    **{a.value: label for a, label in ACTION_LABELS.items()},
    BILLING_SENT_KIND: "Enviado ao faturamento",
    BILLING_REFUSED_KIND: "Recusado pelo faturamento",
}


def movement_label(kind: str) -> str:
    return MOVEMENT_LABELS.get(kind, kind)


# The ticket state machine: for each action, the statuses it may start from and where it leads
# (None: the status does not change).
TICKET_TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | None]] = {
    Action.ASSUMIR: (frozenset({Status.NOVO, Status.PENDENTE}), Status.EM_PROGRESSO),
    Action.ENCAMINHAR: (frozenset(OPEN_STATUSES), Status.NOVO),
    Action.MENSAGEM: (frozenset(OPEN_STATUSES), None),
    Action.RETORNO_SINAL: (frozenset(OPEN_STATUSES), None),
    Action.APROVAR: (frozenset({Status.EM_PROGRESSO}), None),
    Action.REPROVAR: (frozenset({Status.EM_PROGRESSO}), Status.SOLUCIONADO),
    Action.APLICAR: (frozenset({Status.EM_PROGRESSO}), Status.SOLUCIONADO),
    Action.CANCELAR: (frozenset(OPEN_STATUSES), Status.CANCELADO),
    Action.PENDENCIAR: (frozenset({Status.EM_PROGRESSO}), Status.PENDENTE),
    Action.SOLUCIONAR: (frozenset({Status.EM_PROGRESSO}), Status.SOLUCIONADO),
    # Only an applied discount's ticket is reopened this way (closed_at is cleared by the
    # use-case); a rejected or cancelled request is never reopened.
    Action.DESFAZER_APLICACAO: (frozenset({Status.SOLUCIONADO}), Status.EM_PROGRESSO),
}

# The discount decision flow: pending -> approved | rejected -> applied; cancel from any open one;
# an applied discount may be undone back to approved.
DECISION_TRANSITIONS: dict[Action, tuple[frozenset[Decision], Decision | None]] = {
    Action.RETORNO_SINAL: (frozenset({Decision.AGUARDANDO_RETORNO}), Decision.PENDENTE),
    Action.APROVAR: (frozenset({Decision.PENDENTE}), Decision.APROVADO),
    Action.REPROVAR: (
        frozenset({Decision.PENDENTE, Decision.AGUARDANDO_RETORNO}),
        Decision.REPROVADO,
    ),
    Action.APLICAR: (frozenset({Decision.APROVADO}), Decision.APLICADO),
    Action.CANCELAR: (
        frozenset({Decision.AGUARDANDO_RETORNO, Decision.PENDENTE, Decision.APROVADO}),
        Decision.CANCELADO,
    ),
    Action.DESFAZER_APLICACAO: (frozenset({Decision.APLICADO}), Decision.APROVADO),
}


def ticket_transition(action: Action, current: Status) -> Status:
    """The status after `action`, or DomainError when the state machine does not allow it."""
    allowed, target = TICKET_TRANSITIONS[action]
    if current not in allowed:
        raise DomainError(
            f"Não é possível {ACTION_LABELS[action].lower()}: o atendimento está "
            f"{Status(current).label.lower()}."
        )
    return current if target is None else target


def decision_transition(action: Action, current: Decision) -> Decision:
    """The discount decision after `action`, or DomainError when the flow does not allow it."""
    allowed, target = DECISION_TRANSITIONS[action]
    if current not in allowed:
        raise DomainError(
            f"Não é possível {ACTION_LABELS[action].lower()}: o desconto está "
            f"{Decision(current).label.lower()}."
        )
    return current if target is None else target


def make_protocol(year: int, sequence: int) -> str:
    """The protocol read to the customer: the year and an 8-digit sequence (12 digits)."""
    return f"{year:04d}{sequence:08d}"


def next_due_date(due_day: int, today: date) -> date:
    """The contract's next invoice due date on or after `today`."""
    day = min(due_day, calendar.monthrange(today.year, today.month)[1])
    candidate = today.replace(day=day)
    if candidate >= today:
        return candidate
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


def compensation_deadline(occurred_on: date, days: int = 90) -> date:
    """Compensation is due within `days` days of the interruption."""
    return occurred_on + timedelta(days=days)
