"""What every ticket action shares: load the ticket, check that it is still in the state the
screen showed, apply the ticket's (and the discount's) transition with a conditional update, and
record the movement. A refused transition raises before anything is written.
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


def check_expected(cur: Cursor, ticket: dict, expected_status: str | None) -> None:
    """Refuse when the screen showed another status than the store has now."""
    if expected_status is None or ticket["status"] == expected_status:
        return
    raise StaleState(changed_message(cur, ticket))


def changed_message(cur: Cursor, ticket: dict) -> str:
    status = Status(ticket["status"])
    if status == Status.EM_PROGRESSO:
        who = tk.last_movement(cur, ticket["id"], Action.ASSUMIR.value)
        if who:
            return (
                f"Este atendimento já foi assumido por {who['staff']} às "
                f"{who['created_at'].astimezone(TZ):%H:%M} de {fmt.day(who['created_at'])}."
            )
    return (
        f"O atendimento #{ticket['id']} mudou enquanto você olhava: agora está "
        f"{status.label.lower()}. Recarregue a lista."
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


def decide(cur: Cursor, ticket: dict, discount: dict | None, action: Action, changes: dict) -> None:
    if discount is None:
        raise DomainError(
            f"O atendimento #{ticket['id']} não é um pedido de desconto: não há o que "
            f"{ACTION_LABELS[action].lower()}."
        )
    current = Decision(discount["decision"])
    target = decision_transition(action, current)
    changes = {"decision": target.value, **changes}
    if not tk.update_discount(cur, ticket["id"], current.value, changes):
        raise StaleState("O desconto mudou enquanto você olhava. Recarregue e tente de novo.")


def is_discount(ticket: dict) -> bool:
    return ticket["subject"] == DISCOUNT_SUBJECT
