"""Opening and editing an incident: its scope resolved to logins and contracts, with history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import Rules, calculate_discount, interruption_start
from lib.domain import (
    REASONS,
    Decision,
    DomainError,
    StaleState,
)
from lib.domain import now as clock_now
from lib.store import Store, retrying
from lib.store import catalog as cat
from lib.store import incidents as inc
from lib.store import tickets as tk
from lib.usecases.incidents.common import (
    SCOPE_KINDS,
    IncidentInput,
    _check_input,
    _describe_scope,
    _load,
    _stale,
)

# --- open, edit, close -------------------------------------------------------------------------


# a second click that raced the first: a conflict, or the idempotency key already taken
_RACED: tuple[type[Exception], ...] = (StaleState, *inc.KeyTaken)


@retrying
def open_incident(
    store: Store,
    actor: User,
    data: IncidentInput,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Open an incident and store what its scope resolves to (one transaction). The same
    idempotency key twice returns the first incident."""
    require(actor, Perm.MANAGE_INCIDENTS)
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    now = now or clock_now()
    try:
        with store.transaction() as cur:
            existing = inc.incident_by_key(cur, idempotency_key)
            if existing is not None:
                return int(existing)
            clean, found = _check_input(cur, data, now)
            incident_id = inc.insert_incident(
                cur,
                {
                    "reason": clean.reason,
                    "title": clean.title,
                    "cause": clean.cause,
                    "started_at": clean.started_at,
                    "scope_kind": clean.scope_kind,
                    "opened_by": actor.id,
                    "opened_at": now,
                    "idempotency_key": idempotency_key,
                },
            )
            if incident_id is None:  # the same key, saved by a concurrent click
                raise StaleState("O incidente já foi aberto por outro clique.")
            inc.set_scope(cur, incident_id, clean.scope_values)
            inc.replace_members(cur, incident_id, found)
            contracts = len({m["contract_id"] for m in found if m["contract_id"] is not None})
            inc.add_event(
                cur,
                incident_id,
                now,
                actor.id,
                "abrir",
                f"{REASONS[clean.reason or 3].label}, início {fmt.day_time(clean.started_at)}. "
                + _describe_scope(clean.scope_kind, clean.scope_values, len(found), contracts),
            )
            return incident_id
    except _RACED:
        # a second click raced the first in another session: return the one that won
        with store.read() as cur:
            existing = inc.incident_by_key(cur, idempotency_key)
        if existing is None:
            raise
        return int(existing)


@retrying
def edit_incident(
    store: Store,
    actor: User,
    incident_id: int,
    data: IncidentInput,
    expected_version: int,
    now: datetime | None = None,
) -> None:
    """Change an incident's reason, title, cause, start or scope; the scope is resolved again.
    Requests already linked keep their link; those still waiting take the new start. A closed
    incident's start and scope no longer change (its requests were computed on them)."""
    require(actor, Perm.MANAGE_INCIDENTS)
    now = now or clock_now()
    with store.transaction() as cur:
        incident = _load(cur, incident_id, expected_version)
        clean, found = _check_input(cur, data, now)
        old_scope = inc.scope_values(cur, incident_id)
        closed = incident["ended_at"] is not None
        scope_changed = (
            clean.scope_kind != incident["scope_kind"] or old_scope != clean.scope_values
        )
        if closed and (clean.started_at != incident["started_at"] or scope_changed):
            raise DomainError(
                "O incidente já foi encerrado: seus pedidos foram calculados com este início e "
                "esta abrangência, que não mudam mais. Corrija o título, o motivo ou a causa."
            )
        if closed and clean.reason != incident["reason"]:
            raise DomainError("O incidente já foi encerrado: o motivo não muda mais.")
        changes: dict[str, Any] = {}
        notes = []
        for key, label in (
            ("reason", "Motivo"),
            ("title", "Título"),
            ("cause", "Causa"),
            ("started_at", "Início"),
            ("scope_kind", "Tipo de abrangência"),
        ):
            new = getattr(clean, key)
            if new != incident[key]:
                changes[key] = new
                shown_old, shown_new = incident[key], new
                if key == "started_at":
                    shown_old, shown_new = fmt.day_time(incident[key]), fmt.day_time(new)
                elif key == "reason":
                    shown_old, shown_new = REASONS[incident[key]].label, REASONS[new].label
                elif key == "scope_kind":
                    shown_old, shown_new = SCOPE_KINDS[incident[key]], SCOPE_KINDS[new]
                notes.append(f"{label}: {shown_old} → {shown_new}")
        if not changes and not scope_changed:
            raise DomainError("Nada mudou no incidente.")
        if not inc.update_incident(cur, incident_id, expected_version, changes):
            raise _stale(cur, incident)
        if scope_changed:
            inc.set_scope(cur, incident_id, clean.scope_values)
            inc.replace_members(cur, incident_id, found)
            contracts = len({m["contract_id"] for m in found if m["contract_id"] is not None})
            notes.append(
                "Abrangência: "
                + _describe_scope(clean.scope_kind, clean.scope_values, len(found), contracts)
            )
        if "started_at" in changes or "reason" in changes:
            rules = Rules.from_settings(cat.settings(cur))
            for req in inc.linked_requests(cur, incident_id):
                update: dict[str, Any] = {
                    "incident_started_at": clean.started_at,
                    "reason": clean.reason,
                }
                if req["decision"] == Decision.PENDENTE.value and req["signal_returned_at"]:
                    # merged with its own return: its value follows the new start
                    begin = interruption_start(req["opened_at"], clean.started_at)
                    if req["signal_returned_at"] <= begin:
                        raise DomainError(
                            f"Início do incidente: o pedido #{req['ticket_id']} teve o retorno do "
                            f"sinal às {fmt.day_time(req['signal_returned_at'])}, antes do novo "
                            "início."
                        )
                    calc = calculate_discount(
                        Decimal(req["monthly_fee"]),
                        begin,
                        req["signal_returned_at"],
                        req["method"],
                        min_minutes=rules.min_minutes,
                    )
                    update.update(
                        minutes=calc.minutes,
                        counted_units=calc.counted_units,
                        computed_amount=calc.amount,
                    )
                elif req["decision"] != Decision.AGUARDANDO_RETORNO.value:
                    continue  # decided by finance: its period stays as approved or refused
                tk.update_discount(cur, req["ticket_id"], req["decision"], update)
        inc.add_event(cur, incident_id, now, actor.id, "editar", "; ".join(notes))
