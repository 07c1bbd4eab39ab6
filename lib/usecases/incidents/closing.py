"""Closing an incident: the signal's return on every linked request, and (when set) one automatic request per affected contract; all or nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import CalculationError, Rules, calculate_discount, interruption_start
from lib.domain import (
    DISCOUNT_SUBJECT,
    FINANCE_DEPARTMENT,
    REASONS,
    TZ,
    Decision,
    DomainError,
    StaleState,
    compensation_deadline,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.store import incidents as inc
from lib.store import tickets as tk
from lib.usecases.incidents.common import (
    AUTO_KEY,
    CloseResult,
    _check_time,
    _load,
    _stale,
    free_pieces,
    longest,
)
from lib.usecases.opening import TicketExtras, after_open, insert_new_ticket
from lib.usecases.procedure import record_return, return_lines


def _record_return(
    cur: Cursor,
    actor: User,
    now: datetime,
    req: dict,
    end: datetime,
    rules: Rules,
    incident_id: int,
    taken: list[tuple[datetime, datetime]],
) -> None:
    """The signal's return on one linked request waiting for it, with its value; the end is
    pulled back to the start of another live request of the contract that begins inside the
    period (that time is already compensated)."""
    # `req` was read in this transaction (linked_requests): the ticket's id, status and text,
    # and the request itself; decide() and move() still update only from these states.
    ticket = {"id": req["ticket_id"], "status": req["status"], "message": req["message"]}
    discount = req
    start = interruption_start(discount["opened_at"], discount["incident_started_at"])
    note_extra = ""
    later = [s for s, e in taken if start < s < end]
    if later:
        end = min(later)
        note_extra = (
            f" Período encerrado em {fmt.day_time(end)}: dali em diante o contrato já tem "
            "outro desconto."
        )
    if end <= start:
        raise DomainError(
            f"Fim do incidente: o pedido #{req['ticket_id']} começa em {fmt.day_time(start)}, "
            f"depois do fim informado ({fmt.day_time(end)}). Confira o fim do incidente."
        )
    try:
        calc = calculate_discount(
            Decimal(discount["monthly_fee"]),
            start,
            end,
            discount["method"],
            min_minutes=rules.min_minutes,
        )
    except CalculationError as exc:
        raise DomainError(f"Pedido #{req['ticket_id']}: {exc}") from exc
    note = (
        f"Retorno do sinal pelo encerramento do incidente #{incident_id}: {fmt.day_time(end)} "
        f"({calc.duration_text}). {calc.formula}{note_extra}"
    )
    record_return(cur, actor, now, ticket, discount, start, end, calc, note)


def _create_automatic(
    cur: Cursor,
    actor: User,
    now: datetime,
    incident: dict,
    member: dict,
    start: datetime,
    end: datetime,
    rules: Rules,
    subject: dict,
    dept_id: int,
    reduced: str = "",
) -> bool:
    """One automatic request (origin Interna) for a contract that asked for none; the
    idempotency key (incident, contract) makes a second close create nothing. `reduced` says
    why the period is shorter than the incident's (pt-BR), if it is."""
    contract = {"id": member["contract_id"]}
    fee = Decimal(member["monthly_fee"])
    calc = calculate_discount(fee, start, end, rules.default_method, min_minutes=rules.min_minutes)
    reason = int(incident["reason"])
    occurred = start.astimezone(TZ).date()
    key = AUTO_KEY.format(incident=incident["id"], contract=contract["id"])
    if tk.ticket_id_by_key(cur, key) is not None:
        return False
    message = "\n".join(
        [
            f"Descrição: {REASONS[reason].label} — {incident['title']}",
            f"Data ocorrido: {fmt.day(occurred)}",
            f"Hora da abertura do chamado: {fmt.day_time(now)}",
            *return_lines(start, end, calc),
            "Protocolo OPA: — (ressarcimento automático, sem contato do cliente)",
            "",
            f"Criado automaticamente no encerramento do incidente #{incident['id']}.",
        ]
    )
    opened = insert_new_ticket(
        cur,
        actor,
        now,
        key,
        subject_id=subject["id"],
        subject_description=subject["description"] or DISCOUNT_SUBJECT,
        department_id=dept_id,
        customer_id=member["customer_id"],
        login_id=member["login_id"],
        contract_id=contract["id"],
        address_origin="L",
        address=member.get("address"),
        latitude=member.get("latitude"),
        longitude=member.get("longitude"),
        origin="I",
        message=message,
        extras=TicketExtras(),
    )
    ticket_id = opened.ticket_id
    inc.insert_incident_request(
        cur,
        {
            "incident_id": incident["id"],
            "automatic": True,
            "ticket_id": ticket_id,
            "contract_id": contract["id"],
            "reason": reason,
            "reason_details": json.dumps(
                {"incident_id": incident["id"], "incidente": incident["title"], "automatico": True},
                ensure_ascii=False,
            ),
            "description": incident["title"],
            "occurred_on": occurred,
            "opened_at": now,
            "incident_started_at": start,
            "signal_returned_at": end,
            "method": rules.default_method,
            "monthly_fee": fee,
            "minutes": calc.minutes,
            "counted_units": calc.counted_units,
            "computed_amount": calc.amount,
            "decision": Decision.PENDENTE.value,
            "opa_protocol": "",
            "deadline": compensation_deadline(occurred, rules.deadline_days),
        },
    )
    after_open(
        cur,
        actor,
        now,
        ticket_id,
        TicketExtras(),
        note=(
            f"Pedido automático do incidente #{incident['id']} (ressarcimento sem pedido do "
            f"cliente). {calc.formula}" + (f" {reduced}" if reduced else "")
        ),
    )
    return True


@retrying
def close_incident(
    store: Store,
    actor: User,
    incident_id: int,
    ended_at: datetime | None,
    expected_version: int,
    now: datetime | None = None,
) -> CloseResult:
    """Close the incident at `ended_at`: record the signal's return on every linked request
    still waiting and compute its value, and, with automatic compensation on, create a request
    for every affected contract without one. One transaction: all or nothing. A second close
    (double click, a stale tab) is refused with who closed it and when."""
    require(actor, Perm.MANAGE_INCIDENTS)
    now = now or clock_now()
    try:
        with store.transaction() as cur:
            incident = _load(cur, incident_id, expected_version)
            if incident["ended_at"] is not None:
                raise _stale(cur, incident)
            end = _check_time("Fim do incidente", ended_at, now)
            start = incident["started_at"]
            if end <= start:
                raise DomainError(
                    f"Fim do incidente: deve ser depois do início ({fmt.day_time(start)})."
                )
            if not inc.update_incident(
                cur,
                incident_id,
                expected_version,
                {"ended_at": end, "closed_by": actor.id, "closed_at": now},
            ):
                raise _stale(cur, incident)
            rules = Rules.from_settings(cat.settings(cur))
            members = inc.members(cur, incident_id)
            contract_ids = sorted(
                {m["contract_id"] for m in members if m["contract_id"] is not None}
            )
            live_of: dict[int, list[dict]] = {}  # the live requests, by contract (read once)
            for o in inc.live_requests_of_contracts(cur, contract_ids):
                live_of.setdefault(o["contract_id"], []).append(o)
            linked = inc.linked_requests(cur, incident_id)
            returned = 0
            for req in linked:
                if req["decision"] != Decision.AGUARDANDO_RETORNO.value:
                    continue
                taken = [
                    (o["start"], o["end"])
                    for o in live_of.get(req["contract_id"], [])
                    if o["ticket_id"] != req["ticket_id"]
                    and o["decision"] != Decision.AGUARDANDO_RETORNO.value
                ]
                _record_return(cur, actor, now, req, end, rules, incident_id, taken)
                returned += 1
            created = covered = individual = 0
            if rules.incident_auto_compensation:
                subject = cat.find_item(cur, "subject", DISCOUNT_SUBJECT)
                dept_id = cat.department_id(cur, FINANCE_DEPARTMENT)
                if subject is None or dept_id is None:
                    raise DomainError(
                        "O assunto DESCONTO EM FATURA ou o departamento FINANCEIRO não está "
                        "cadastrado: sem eles não há como criar os pedidos automáticos."
                    )
                has_linked = {r["contract_id"] for r in linked if r["decision"] != "cancelado"}
                by_contract: dict[int, dict] = {}
                for m in members:
                    if m["contract_id"] is not None:
                        by_contract.setdefault(m["contract_id"], m)
                for contract_id, m in sorted(by_contract.items()):
                    if contract_id in has_linked:
                        continue
                    others = [
                        o
                        for o in live_of.get(contract_id, [])
                        if o["start"] < end and o["end"] > start
                    ]
                    if any(o["incident_id"] is None for o in others):
                        individual += (
                            1  # the customer asked on their own: merge it, not a second one
                        )
                        continue
                    piece = longest(
                        free_pieces(start, end, [(o["start"], o["end"]) for o in others])
                    )
                    if piece is None:
                        covered += 1
                        continue
                    reduced = ""
                    if piece != (start, end):
                        reduced = (
                            f"Período reduzido a {fmt.day_time(piece[0])}–{fmt.day_time(piece[1])}: "
                            "o restante do incidente já é compensado por outro desconto deste "
                            "contrato ("
                            + ", ".join(f"#{o['ticket_id']}" for o in others)
                            + "), e dois incidentes não compensam o mesmo minuto."
                        )
                    if _create_automatic(
                        cur, actor, now, incident, m, *piece, rules, subject, dept_id, reduced
                    ):
                        created += 1
            note = (
                f"Fim: {fmt.day_time(end)} ({fmt.duration((end - start) // timedelta(minutes=1))})."
            )
            note += f" Retorno do sinal registrado em {returned} pedido(s) vinculado(s)."
            if rules.incident_auto_compensation:
                note += f" Pedidos automáticos criados: {created}."
                if covered:
                    note += f" {covered} contrato(s) já tinham desconto cobrindo todo o período."
                if individual:
                    note += (
                        f" {individual} contrato(s) têm pedido individual sobreposto: incorpore-os "
                        "ao incidente."
                    )
            inc.add_event(cur, incident_id, now, actor.id, "encerrar", note)
    except StaleState:
        # another close won the race: say who closed it, and when
        with store.read() as cur:
            now_incident = inc.get_incident(cur, incident_id)
            if now_incident is None or now_incident["ended_at"] is None:
                raise
            raise _stale(cur, now_incident) from None
    return CloseResult(
        incident_id,
        returned,
        created,
        covered,
        individual,
        f"Incidente #{incident_id} encerrado. {note}",
    )
