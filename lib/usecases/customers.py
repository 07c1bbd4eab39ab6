"""The procedure's "Cliente > Atendimentos": a customer's latest tickets."""

from __future__ import annotations

from lib.auth import Perm, User, require
from lib.store import Store, customer_tickets


def recent_tickets(store: Store, actor: User, customer_id: int, limit: int = 10) -> list[dict]:
    """The customer's latest tickets, newest first (id, protocol, subject, department, status,
    priority, opened_at, responsible)."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return customer_tickets.recent_for_customer(cur, customer_id, limit)
