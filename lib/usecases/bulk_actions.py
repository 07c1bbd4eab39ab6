"""Assume, approve or mark applied the tickets selected in the list, one use-case call each
with the status and decision the screen showed, and a summary of what was done and what was
refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lib import fmt
from lib.auth import User
from lib.domain import (
    ACTION_LABELS,
    Action,
    DomainError,
)
from lib.store import Store
from lib.usecases import finance, ticket_actions


@dataclass(frozen=True)
class Outcome:
    ticket_id: int
    protocol: str
    ok: bool
    message: str


BULK_ACTIONS = (Action.ASSUMIR, Action.APROVAR, Action.APLICAR)
_DONE = {Action.ASSUMIR: "assumido", Action.APROVAR: "aprovado", Action.APLICAR: "aplicado"}

# (ticket id, protocol, status shown[, decision shown]): a row as the list showed it.
Item = Sequence[Any]


def run_bulk(
    store: Store,
    actor: User,
    action: Action,
    items: Sequence[Item],
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Assume, approve (the computed amount) or mark applied (on each contract's next invoice)
    each (ticket id, protocol, status shown, decision shown) in turn, each one its own
    use-case call bound to what the screen showed; collect what was done and what was
    refused, and why. A large amount is never approved in bulk: it needs its own
    confirmation."""
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    out = []
    for i, item in enumerate(items, start=1):
        ticket_id, protocol, shown_status = item[0], item[1], item[2]
        shown_decision = item[3] if len(item) > 3 else None
        try:
            if action == Action.ASSUMIR:
                done = ticket_actions.assume(
                    store,
                    actor,
                    ticket_id,
                    expected_status=shown_status,
                    expected_decision=shown_decision,
                )
            elif action == Action.APROVAR:
                done = finance.approve(
                    store,
                    actor,
                    ticket_id,
                    expected_status=shown_status,
                    expected_decision=shown_decision,
                )
            else:
                done = finance.mark_applied_next_invoice(
                    store,
                    actor,
                    ticket_id,
                    expected_status=shown_status,
                    expected_decision=shown_decision,
                )
            out.append(Outcome(ticket_id, protocol, True, done.message))
        except finance.NeedsConfirmation as exc:
            message = (
                f"{fmt.brl(exc.amount)} pede confirmação (acima do limite de mensalidades): "
                "aprove este pedido individualmente, no detalhe."
            )
            out.append(Outcome(ticket_id, protocol, False, message))
        except DomainError as exc:
            out.append(Outcome(ticket_id, protocol, False, str(exc)))
        if on_progress:
            on_progress(i, len(items))
    return out


def bulk_summary(action: Action, outcomes: list[Outcome]) -> str:
    ok = sum(o.ok for o in outcomes)
    refused = len(outcomes) - ok
    verb = _DONE[action]
    return (
        f"{ACTION_LABELS[action]} em lote: {ok} {verb}{'s' if ok != 1 else ''}, "
        f"{refused} recusado{'s' if refused != 1 else ''}."
    )
