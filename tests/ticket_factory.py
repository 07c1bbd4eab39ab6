"""Tickets for list tests: real discount requests through the use-cases, and many plain tickets
inserted straight through the store (fast enough for paging tests)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from lib.domain import TZ
from lib.store import catalog as cat
from lib.store import tickets as tk
from lib.usecases import discount_requests
from lib.usecases.discount_requests import DiscountRequestInput
from tests.fixtures import World

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)
_protocols = itertools.count(900_001)


def discount(
    w: World, key: str, *, days_ago: int = 0, contract: str = "maria", returned: bool = True
) -> int:
    """A DESCONTO EM FATURA request opened `days_ago` days before NOW (5 h 40 min outage)."""
    customer, login, contract_id = {
        "maria": (w.maria, w.maria_login, w.maria_contract),
        "joao": (w.joao, w.joao_logins[0], w.joao_contracts[0]),
        "joao2": (w.joao, w.joao_logins[1], w.joao_contracts[1]),
    }[contract]
    at = NOW - timedelta(days=days_ago)
    data = DiscountRequestInput(
        customer_id=customer,
        login_id=login,
        contract_id=contract_id,
        reason=3,
        occurred_on=at.date(),
        opened_at=at - timedelta(hours=6),
        signal_returned_at=at - timedelta(minutes=20) if returned else None,
        opa_protocol=f"OPA{key.upper()}0001",
        description="Queda geral no bairro",
    )
    return discount_requests.open_discount_request(
        w.store, w.atendente, data, key, now=at
    ).ticket_id


def plain_tickets(
    w: World, n: int, *, subject: str = "LENTIDÃO", start: datetime = NOW
) -> list[int]:
    """`n` tickets of another subject, one a minute going back from `start`, all Novo."""
    ids = []
    with w.store.transaction() as cur:
        subject_row = cat.find_item(cur, "subject", subject)
        for i in range(n):
            at = start - timedelta(minutes=i + 1)
            ids.append(
                tk.insert_ticket(
                    cur,
                    {
                        "protocol": f"2025{next(_protocols):08d}",
                        "customer_id": w.joao,
                        "subject_id": subject_row["id"],
                        "subject_description": subject_row["description"],
                        "department_id": subject_row["department_id"],
                        "status": "N",
                        "opened_at": at,
                        "opened_by": w.atendente.id,
                        "updated_at": at,
                    },
                )
            )
    return ids
