"""Assume or approve the tickets selected in the list, one use-case call each with the status
the screen showed, and a summary of what was done and what was refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


BULK_ACTIONS = (Action.ASSUMIR, Action.APROVAR)


def run_bulk(
    store: Store,
    actor: User,
    action: Action,
    items: list[tuple[int, str, str]],
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Assume or approve (the computed amount) each (ticket id, protocol, status shown) in turn,
    each one its own use-case call with the status the screen showed; collect what was done
    and what was refused, and why."""
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    out = []
    for i, (ticket_id, protocol, shown_status) in enumerate(items, start=1):
        try:
            if action == Action.ASSUMIR:
                done = ticket_actions.assume(store, actor, ticket_id, expected_status=shown_status)
            else:
                done = finance.approve(store, actor, ticket_id, expected_status=shown_status)
            out.append(Outcome(ticket_id, protocol, True, done.message))
        except DomainError as exc:
            out.append(Outcome(ticket_id, protocol, False, str(exc)))
        if on_progress:
            on_progress(i, len(items))
    return out


def bulk_summary(action: Action, outcomes: list[Outcome]) -> str:
    ok = sum(o.ok for o in outcomes)
    refused = len(outcomes) - ok
    verb = {Action.ASSUMIR: "assumido", Action.APROVAR: "aprovado"}[action]
    return (
        f"{ACTION_LABELS[action]} em lote: {ok} {verb}{'s' if ok != 1 else ''}, "
        f"{refused} recusado{'s' if refused != 1 else ''}."
    )
