"""What every ticket action shares: load the ticket, check that it is still in the state the
screen showed (the ticket status and, on a discount request, finance's decision), apply the
ticket's (and the discount's) transition with a conditional update, and record the movement
with both from/to pairs. A refused transition raises before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lib import fmt
from lib.auth import User
from lib.domain import (
    ACTION_LABELS,
    DISCOUNT_SUBJECT,
    OPEN_STATUSES,
    TZ,
    Action,
    Decision,
    DomainError,
    NotFound,
    StaleState,
    Status,
    decision_transition,
    ticket_transition,
)
from lib.store import Cursor
from lib.store import tickets as tk


@dataclass(frozen=True)
class Done:
    ticket_id: int
    message: str  # pt-BR confirmation


def load_ticket(cur: Cursor, ticket_id: int) -> tuple[dict, dict | None]:
    ticket = tk.get_ticket(cur, ticket_id)
    if ticket is None:
        raise NotFound(f"Atendimento #{ticket_id} não encontrado.")
    return ticket, tk.get_discount(cur, ticket_id)


def required_text(text: str | None, message: str) -> str:
    """The stripped text, or DomainError(message) when nothing was written."""
    text = (text or "").strip()
    if not text:
        raise DomainError(message)
    return text


def check_expected(
    cur: Cursor,
    ticket: dict,
    expected_status: str | None,
    *,
    discount: dict | None = None,
    expected_decision: str | None = None,
) -> None:
    """Refuse when the screen showed another status, or another discount decision, than the
    store has now (None: the caller did not say what it showed)."""
    status_moved = expected_status is not None and ticket["status"] != expected_status
    decision_moved = expected_decision is not None and (
        discount is None or discount["decision"] != expected_decision
    )
    if status_moved or decision_moved:
        raise StaleState(changed_message(cur, ticket, discount))


def load_shown(
    cur: Cursor, ticket_id: int, expected_status: str | None, expected_decision: str | None
) -> tuple[dict, dict | None]:
    """The ticket and its discount request, refused as stale when either moved away from what
    the screen showed (load_ticket, then check_expected)."""
    ticket, discount = load_ticket(cur, ticket_id)
    check_expected(
        cur, ticket, expected_status, discount=discount, expected_decision=expected_decision
    )
    return ticket, discount


# What the newest movement did, for "... por Fulano às HH:MM de dd/mm/aaaa".
_CHANGED: dict[str, str] = {
    Action.ABRIR: "O atendimento foi aberto",
    Action.ASSUMIR: "O atendimento foi assumido",
    Action.ENCAMINHAR: "O atendimento foi encaminhado",
    Action.RETORNO_SINAL: "O retorno do sinal foi registrado",
    Action.APROVAR: "O desconto foi aprovado",
    Action.REPROVAR: "O desconto foi reprovado",
    Action.APLICAR: "O desconto foi marcado como aplicado",
    Action.CANCELAR: "O atendimento foi cancelado",
    Action.PENDENCIAR: "O atendimento foi marcado como pendente",
    Action.SOLUCIONAR: "O atendimento foi solucionado",
    Action.DESFAZER_APLICACAO: "A aplicação do desconto foi desfeita",
}


def changed_message(cur: Cursor, ticket: dict, discount: dict | None = None) -> str:
    """Who changed the ticket (or its decision) last, and when, from its history."""
    status = Status(ticket["status"])
    if discount is None:
        discount = tk.get_discount(cur, ticket["id"])
    change = tk.last_change(cur, ticket["id"])
    if change is None:
        return (
            f"O atendimento #{ticket['id']} mudou enquanto você olhava: agora está "
            f"{status.label.lower()}. Recarregue a lista."
        )
    who = change["staff"] or "outro usuário"
    at = change["created_at"]
    when = f"às {at.astimezone(TZ):%H:%M} de {fmt.day(at)}"
    if status == Status.EM_PROGRESSO and change["kind"] == Action.ASSUMIR.value:
        return f"Este atendimento já foi assumido por {who} {when}."
    what = _CHANGED.get(change["kind"], "O atendimento mudou")
    now = f"o atendimento está {status.label.lower()}"
    if discount is not None:
        now += f" e o desconto, {Decision(discount['decision']).label.lower()}"
    return (
        f"{what} por {who} {when}, enquanto você olhava: agora {now}. "
        "Confira antes de agir de novo."
    )


def move(
    cur: Cursor,
    actor: User,
    now: datetime,
    ticket: dict,
    action: Action,
    note: str,
    changes: dict[str, Any] | None = None,
    **movement: Any,
) -> str:
    """Apply the ticket's transition with a conditional update and record the movement."""
    current = Status(ticket["status"])
    target = ticket_transition(action, current)
    changes = dict(changes or {})
    changes["status"] = target.value
    changes["updated_at"] = now
    if target in (Status.SOLUCIONADO, Status.CANCELADO):
        changes["closed_at"] = now
    elif current not in OPEN_STATUSES:  # reopened (an applied discount undone)
        changes["closed_at"] = None
    if not tk.update_ticket(cur, ticket["id"], current.value, changes):
        now_ticket = tk.get_ticket(cur, ticket["id"])
        assert now_ticket is not None  # tickets are never deleted
        raise StaleState(changed_message(cur, now_ticket))
    tk.insert_movement(
        cur,
        ticket_id=ticket["id"],
        at=now,
        staff_id=actor.id,
        kind=action.value,
        from_status=current.value,
        to_status=target.value,
        note=note,
        **movement,
    )
    return target.value


def decide(
    cur: Cursor, ticket: dict, discount: dict | None, action: Action, changes: dict
) -> dict[str, Any]:
    """Apply the discount decision's transition with a conditional update; return its from/to
    as keyword arguments for move(), so the movement records them."""
    if discount is None:
        raise DomainError(
            f"O atendimento #{ticket['id']} não é um pedido de desconto: não há o que "
            f"{ACTION_LABELS[action].lower()}."
        )
    current = Decision(discount["decision"])
    target = decision_transition(action, current)
    changes = {"decision": target.value, **changes}
    if not tk.update_discount(cur, ticket["id"], current.value, changes):
        now_ticket = tk.get_ticket(cur, ticket["id"])
        assert now_ticket is not None  # tickets are never deleted
        raise StaleState(changed_message(cur, now_ticket))
    return {"from_decision": current.value, "to_decision": target.value}


def is_discount(ticket: dict) -> bool:
    return ticket["subject"] == DISCOUNT_SUBJECT
