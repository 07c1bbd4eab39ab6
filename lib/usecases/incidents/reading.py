"""What the Incidentes page reads: the list, one incident's impact, scope options, monthly figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lib.auth import Perm, User, require
from lib.domain import now as clock_now
from lib.store import Store
from lib.store import incidents as inc
from lib.usecases.incidents.common import _load

# --- reading ----------------------------------------------------------------------------------


def list_incidents(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.VIEW_INCIDENTS)
    with store.read() as cur:
        return inc.list_incidents(cur)


@dataclass(frozen=True)
class IncidentView:
    incident: dict
    scope: list[str]
    members: list[dict]
    requests: list[dict]
    events: list[dict]
    overlaps: list[dict]  # individual requests overlapping the window, not linked

    @property
    def customers(self) -> int:
        return len({m["customer_id"] for m in self.members})

    @property
    def contracts(self) -> int:
        return len({m["contract_id"] for m in self.members if m["contract_id"] is not None})

    @property
    def live_requests(self) -> list[dict]:
        return [r for r in self.requests if r["decision"] not in ("cancelado", "reprovado")]

    def money(self) -> dict[str, Decimal]:
        live = self.live_requests
        return {
            "computed": sum((Decimal(r["computed_amount"] or 0) for r in live), Decimal(0)),
            "approved": sum(
                (
                    Decimal(r["approved_amount"] or 0)
                    for r in live
                    if r["decision"] in ("aprovado", "aplicado")
                ),
                Decimal(0),
            ),
            "applied": sum(
                (Decimal(r["approved_amount"] or 0) for r in live if r["decision"] == "aplicado"),
                Decimal(0),
            ),
        }

    @property
    def received(self) -> list[dict]:
        """The live requests customers made (not those the close created)."""
        return [r for r in self.live_requests if not r["automatic"]]

    @property
    def automatic(self) -> list[dict]:
        return [r for r in self.live_requests if r["automatic"]]

    def not_asked(self) -> list[dict]:
        """Affected logins whose customer has not asked: no request of their own for the
        contract, linked or individual and overlapping (one the close created automatically
        is not asking). Each with `automatic`: whether such a request covers it."""
        asked = {r["contract_id"] for r in self.received} | {
            o["contract_id"] for o in self.overlaps
        }
        covered = {r["contract_id"] for r in self.automatic}
        return [
            {**m, "automatic": m["contract_id"] in covered}
            for m in self.members
            if m["contract_id"] not in asked
        ]


def incident_view(store: Store, actor: User, incident_id: int) -> IncidentView:
    require(actor, Perm.VIEW_INCIDENTS)
    with store.read() as cur:
        incident = _load(cur, incident_id, None)
        members = inc.members(cur, incident_id)
        contract_ids = sorted({m["contract_id"] for m in members if m["contract_id"] is not None})
        end = incident["ended_at"] or clock_now()
        overlaps = inc.overlapping_requests(cur, contract_ids, incident["started_at"], end)
        return IncidentView(
            incident,
            inc.scope_values(cur, incident_id),
            members,
            inc.linked_requests(cur, incident_id),
            inc.events(cur, incident_id),
            overlaps,
        )


def scope_options(store: Store, actor: User, kind: str) -> list[str]:
    require(actor, Perm.VIEW_INCIDENTS)
    if kind not in ("bairro", "cto"):
        return []
    with store.read() as cur:
        return inc.scope_options(cur, kind)


def monthly_stats(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.VIEW_INCIDENTS)
    with store.read() as cur:
        return inc.monthly_stats(cur)
