"""The link between a discount request and an incident (issue 15), for the request form and
the foundation's save: which incidents to propose for a login, and the incident's values a
linked request takes. Kept apart from lib.usecases.incidents so discount_requests can use it
without a cycle."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import Rules
from lib.domain import REASONS, DomainError, NotFound
from lib.domain import now as clock_now
from lib.store import Cursor, Store
from lib.store import catalog as cat
from lib.store import incidents as inc
from lib.store import tickets as tk

# --- the request form -------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    incident_id: int
    reason: int
    title: str
    cause: str
    started_at: datetime
    ended_at: datetime | None

    @property
    def text(self) -> str:
        state = (
            f"encerrado em {fmt.day_time(self.ended_at)}" if self.ended_at else "ainda em andamento"
        )
        return (
            f"Incidente #{self.incident_id} — {REASONS[self.reason].label}: {self.title}. "
            f"Início {fmt.day_time(self.started_at)}, {state}."
        )


def _proposal(row: dict) -> Proposal:
    return Proposal(
        row["id"], row["reason"], row["title"], row["cause"], row["started_at"], row["ended_at"]
    )


def proposals_for_login(
    store: Store, actor: User, login_id: int | None, now: datetime | None = None
) -> list[Proposal]:
    """Open incidents holding the login, and those that ended in the last
    `incident_recent_days` days, newest first."""
    require(actor, Perm.OPEN_DISCOUNT)
    if login_id is None:
        return []
    now = now or clock_now()
    with store.read() as cur:
        rules = Rules.from_settings(cat.settings(cur))
        since = now - timedelta(days=rules.incident_recent_days)
        return [_proposal(r) for r in inc.incidents_of_login(cur, login_id, since)]


def linked_values(cur: Cursor, incident_id: int, login_id: int | None) -> Proposal:
    """For a request being saved linked to an incident: the incident, refused when the login
    is not inside it."""
    incident = inc.get_incident(cur, incident_id)
    if incident is None:
        raise NotFound(f"Incidente #{incident_id} não encontrado.")
    if login_id is None or inc.member(cur, incident_id, login_id) is None:
        raise DomainError(
            f"Incidente: o login escolhido não está na abrangência do incidente #{incident_id}."
        )
    return _proposal(incident)


def after_linked_open(
    cur: Cursor, actor: User, now: datetime, ticket_id: int, incident_id: int
) -> None:
    """A request saved from the form linked to the incident: store the link and say so in the
    incident's history."""
    inc.set_request_incident(cur, ticket_id, incident_id)
    ticket = tk.get_ticket(cur, ticket_id)
    protocol = ticket["protocol"] if ticket else ticket_id
    inc.add_event(
        cur, incident_id, now, actor.id, "vincular", f"Pedido #{ticket_id} (protocolo {protocol})."
    )


def apply_incident(cur: Cursor, data: Any) -> Any:
    """A DiscountRequestInput linked to an incident, with the incident's reason, start and
    (once closed) end; while it is open the request waits for the signal. DomainError when the
    login is not inside the incident."""
    if getattr(data, "incident_id", None) is None:
        return data
    p = linked_values(cur, data.incident_id, data.login_id)
    return replace(
        data, reason=p.reason, incident_started_at=p.started_at, signal_returned_at=p.ended_at
    )
