"""An individual request merged into an incident, and the bulk approval of an incident's requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import Rules, calculate_discount, interruption_start
from lib.domain import (
    Action,
    Decision,
    DomainError,
    StaleState,
    Status,
)
from lib.domain import now as clock_now
from lib.store import Store, retrying
from lib.store import catalog as cat
from lib.store import incidents as inc
from lib.store import tickets as tk
from lib.usecases import bulk_actions, ticket_actions
from lib.usecases.incidents.common import _load
from lib.usecases.transitions import decide, load_shown, move

# --- overlap: merge an individual request into the incident -----------------------------------


@retrying
def merge_request(
    store: Store,
    actor: User,
    incident_id: int,
    ticket_id: int,
    *,
    expected_status: str,
    expected_decision: str,
    now: datetime | None = None,
) -> str:
    """An individual request of an affected contract overlapping the incident's window
    becomes the incident's: when the incident already has a request for that contract, the
    individual one is cancelled into it; otherwise it is linked, takes the incident's start
    and, once the incident is closed, its end (and the value is computed again). Only a
    request finance has not approved yet may merge."""
    require(actor, Perm.VIEW_INCIDENTS)
    require(actor, Action.CANCELAR)
    now = now or clock_now()
    with store.transaction() as cur:
        incident = _load(cur, incident_id, None)
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        if discount is None:
            raise DomainError("Este atendimento não é um pedido de desconto.")
        if discount["incident_id"] is not None:
            raise DomainError(
                f"O pedido #{ticket_id} já é do incidente #{discount['incident_id']}."
            )
        if discount["decision"] not in (
            Decision.AGUARDANDO_RETORNO.value,
            Decision.PENDENTE.value,
        ):
            raise DomainError(
                f"O pedido #{ticket_id} já está {Decision(discount['decision']).label.lower()}: "
                "só um pedido ainda não aprovado pode ser incorporado."
            )
        members = {m["contract_id"] for m in inc.members(cur, incident_id)}
        if discount["contract_id"] not in members:
            raise DomainError(
                f"O contrato do pedido #{ticket_id} não está na abrangência do incidente."
            )
        twin = next(
            (
                r
                for r in inc.linked_requests(cur, incident_id)
                if r["contract_id"] == discount["contract_id"]
                and r["decision"] not in ("cancelado", "reprovado")
            ),
            None,
        )
        if twin is not None:
            decided = decide(cur, ticket, discount, Action.CANCELAR, {})
            note = (
                f"Incorporado ao pedido #{twin['ticket_id']} (protocolo {twin['protocol']}) do "
                f"incidente #{incident_id}, que já compensa este período."
            )
            move(cur, actor, now, ticket, Action.CANCELAR, note, **decided)
            inc.add_event(
                cur,
                incident_id,
                now,
                actor.id,
                "incorporar",
                f"Pedido #{ticket_id} cancelado e incorporado ao pedido #{twin['ticket_id']}.",
            )
            return note
        start = incident["started_at"]
        changes: dict[str, Any] = {"incident_id": incident_id, "incident_started_at": start}
        opened = discount["opened_at"]
        period_start = interruption_start(opened, start)
        note = f"Incorporado ao incidente #{incident_id}: início {fmt.day_time(period_start)}"
        # the period ends at the incident's end once it closed; while it is open, at the
        # customer's own return when that is already recorded
        closed = incident["ended_at"] is not None
        end = incident["ended_at"] if closed else discount["signal_returned_at"]
        if end is not None:
            rules = Rules.from_settings(cat.settings(cur))
            calc = calculate_discount(
                Decimal(discount["monthly_fee"]),
                period_start,
                end,
                discount["method"],
                min_minutes=rules.min_minutes,
            )
            changes.update(
                minutes=calc.minutes,
                counted_units=calc.counted_units,
                computed_amount=calc.amount,
                reason=incident["reason"],
            )
            if closed:
                changes["signal_returned_at"] = end
                note += f", fim {fmt.day_time(end)}. {calc.formula}"
            else:
                note += f", fim {fmt.day_time(end)} (retorno já registrado). {calc.formula}"
        else:
            changes["reason"] = incident["reason"]
            note += "; o fim virá do encerramento do incidente."
        movement: dict[str, Any] = {}
        if (
            discount["decision"] == Decision.AGUARDANDO_RETORNO.value
            and "computed_amount" in changes
        ):
            movement = decide(cur, ticket, discount, Action.RETORNO_SINAL, changes)
            kind = Action.RETORNO_SINAL
        else:
            if not tk.update_discount(cur, ticket_id, discount["decision"], changes):
                raise StaleState("O pedido mudou enquanto você olhava. Recarregue.")
            kind = Action.MENSAGEM
        move(cur, actor, now, ticket, kind, note, **movement)
        inc.add_event(cur, incident_id, now, actor.id, "incorporar", f"Pedido #{ticket_id}.")
        return note


# --- bulk decision ----------------------------------------------------------------------------


@retrying
def approve_all(
    store: Store,
    actor: User,
    incident_id: int,
    items: list[tuple[int, str, str, str]],
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> list[Any]:
    """Approve the incident's pending requests shown on screen ((ticket id, protocol, status,
    decision) each): a request still Novo or Pendente is assumed first, then approved at its computed
    value, each its own use-case call bound to what the screen showed (lib.usecases.finance
    rules: above the fee limit only a supervisor, above the confirmation limit never in bulk).
    Returns bulk_actions.Outcome per request."""
    require(actor, Perm.VIEW_INCIDENTS)
    require(actor, Action.APROVAR)
    now = now or clock_now()
    prepared: list[tuple[int, str, str, str]] = []
    refused: list[Any] = []
    for ticket_id, protocol, status, decision in items:
        if status in (Status.NOVO.value, Status.PENDENTE.value) and (
            decision == Decision.PENDENTE.value
        ):
            try:
                ticket_actions.assume(
                    store, actor, ticket_id, expected_status=status, expected_decision=decision
                )
                status = Status.EM_PROGRESSO.value
            except DomainError as exc:
                refused.append(bulk_actions.Outcome(ticket_id, protocol, False, str(exc)))
                continue
        prepared.append((ticket_id, protocol, status, decision))
    outcomes = refused + bulk_actions.run_bulk(
        store, actor, Action.APROVAR, prepared, on_progress=on_progress
    )
    ok = sum(o.ok for o in outcomes)
    with store.transaction() as cur:
        inc.add_event(
            cur,
            incident_id,
            now,
            actor.id,
            "aprovar_lote",
            f"{ok} aprovado(s), {len(outcomes) - ok} recusado(s).",
        )
    return outcomes
