"""A small store whose chart figures are known exactly, built through the use-cases.

Today is 2026-11-30; the period under test is September–November 2026 (91 days), so the
previous period is 2026-06-02 to 2026-08-31.

Current period (opened in Sep–Nov 2026), all 100.00-fee contract unless said:
  A  reason 3, Maria (99.90), opened 2026-11-10 09:00, signal back after 5 h 40 min -> 0.79;
     assumed 2 h after opening, approved, applied 26 h after opening.          -> aplicado
  B  reason 3, João login 1 (100.00), opened 2026-11-12 10:00, 10 h outage -> 1.39;
     assumed 4 h after opening, approved with adjustment 5.00, applied 50 h after. -> aplicado
  C  reason 1, João login 2 (43.20), opened 2026-10-05 08:00, 25 min outage -> 0.03;
     assumed 1 h after opening, rejected.                                      -> reprovado
  D  reason 2, Maria (99.90), opened 2026-09-20 14:00, 2 h outage -> 0.28;
     assumed 6 h after opening, approved (not applied).                         -> aprovado
  E  reason 1, João login 1 (100.00), opened 2026-09-01 10:00 (occurred 2026-09-01), 1 h outage
     -> 0.14; never assumed: pending, deadline 2026-11-30 (past? no: due today -> near).
Previous period (Jun 2–Aug 31 2026):
  P  reason 3, Maria, opened 2026-08-10 09:00, 3 h outage -> 0.42; assumed 10 h after,
     approved and applied 100 h after opening.                                  -> aplicado
  Q  reason 2, João login 1, opened 2026-07-15 09:00 (occurred 2026-07-15), 1 h -> 0.14;
     pending, deadline 2026-10-13 -> past.

Figures (current): approved total 0.79 + 5.00 + 0.28 = 6.07; requests 5; approval rate
3 approved-or-applied / 4 decided = 75 %; median time to assume of A, B, C, D = 2, 4, 1, 6 h
-> 3 h = 180 min; median time to apply of A, B = 26 h, 50 h -> 38 h = 2280 min; deadline
risk: E (deadline 2026-11-30, still pending) near -> 1; past 0.
Figures (previous): 0.42; 2 requests; 1/1 = 100 %; assume 600 min; apply 6000 min;
risk 1 (Q past), past 1.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from lib.domain import TZ
from lib.usecases import discount_requests, finance, ticket_actions
from lib.usecases.discount_requests import DiscountRequestInput
from tests.fixtures import World

TODAY = date(2026, 11, 30)
START = date(2026, 9, 1)
END = date(2026, 11, 30)


def _at(y, m, d, h=0) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def _open(w: World, key, who, opened, outage_minutes, reason):
    customer, login, contract = who
    data = DiscountRequestInput(
        customer_id=customer,
        login_id=login,
        contract_id=contract,
        reason=reason,
        occurred_on=opened.date(),
        opened_at=opened,
        signal_returned_at=opened + timedelta(minutes=outage_minutes),
        opa_protocol=f"OPA{key}00000",
    )
    # The ticket is saved once the signal is back (the attendant fills it in during the call).
    saved = opened + timedelta(minutes=outage_minutes)
    opened_ticket = discount_requests.open_discount_request(
        w.store, w.atendente, data, key, now=saved
    )
    return opened_ticket.ticket_id, saved


def build_report_world(w: World) -> dict[str, int]:
    fin = w.financeiro
    maria = (w.maria, w.maria_login, w.maria_contract)
    joao1 = (w.joao, w.joao_logins[0], w.joao_contracts[0])
    joao2 = (w.joao, w.joao_logins[1], w.joao_contracts[1])
    s = w.store
    ids = {}

    def flow(key, who, opened, minutes, reason, assume_h=None, decide=None, apply_h=None):
        tid, t0 = _open(w, key, who, opened, minutes, reason)
        ids[key] = tid
        if assume_h is not None:
            ticket_actions.assume(s, fin, tid, now=t0 + timedelta(hours=assume_h))
        if decide == "approve":
            finance.approve(s, fin, tid, now=t0 + timedelta(hours=assume_h, minutes=5))
        elif isinstance(decide, Decimal):
            finance.approve(
                s, fin, tid, decide, "Acordo com o cliente", now=t0 + timedelta(hours=assume_h)
            )
        elif decide == "reject":
            finance.reject(s, fin, tid, "Fora da regra", now=t0 + timedelta(hours=assume_h))
        if apply_h is not None:
            finance.mark_applied(s, fin, tid, date(2026, 12, 10), now=t0 + timedelta(hours=apply_h))
        return tid

    # times are counted from the ticket's opening (when it was saved)
    flow("A", maria, _at(2026, 11, 10, 9), 340, 3, 2, "approve", 26)
    flow("B", joao1, _at(2026, 11, 12, 10), 600, 3, 4, Decimal("5.00"), 50)
    flow("C", joao2, _at(2026, 10, 5, 8), 25, 1, 1, "reject")
    flow("D", maria, _at(2026, 9, 20, 14), 120, 2, 6, "approve")
    flow("E", joao1, _at(2026, 9, 1, 10), 60, 1)
    flow("P", maria, _at(2026, 8, 10, 9), 180, 3, 10, "approve", 100)
    flow("Q", joao1, _at(2026, 7, 15, 9), 60, 2)
    return ids
