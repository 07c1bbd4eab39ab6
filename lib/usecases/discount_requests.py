"""Discount requests before finance decides: the preview the form shows, opening the
FINANCEIRO ticket with its request (idempotent by key), and recording the signal's return
later, which computes the value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import (
    METHODS,
    CalculationError,
    DiscountCalculation,
    Draft,
    Finding,
    Overlap,
    Rules,
    calculate_discount,
    interruption_start,
    validate_request,
)
from lib.domain import (
    DISCOUNT_SUBJECT,
    FINANCE_DEPARTMENT,
    REASONS,
    TZ,
    Action,
    Decision,
    DomainError,
    StaleState,
    compensation_deadline,
    next_due_date,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store
from lib.store import catalog as cat
from lib.store import tickets as tk
from lib.usecases.opening import (
    AddressChoice,
    Opened,
    TicketExtras,
    after_open,
    check_extras,
    check_links,
    insert_new_ticket,
    opened_result,
    resolve_address,
)
from lib.usecases.transitions import Done, decide, load_ticket, move


@dataclass
class DiscountRequestInput:
    customer_id: int | None
    login_id: int | None
    contract_id: int | None
    reason: int | None
    occurred_on: date | None
    opened_at: datetime | None
    signal_returned_at: datetime | None
    opa_protocol: str
    description: str = ""
    message: str = ""
    reason_details: dict[str, Any] = field(default_factory=dict)
    incident_started_at: datetime | None = None
    method: str | None = None  # None: the settings' default
    address: AddressChoice = field(default_factory=AddressChoice)
    extras: TicketExtras = field(default_factory=TicketExtras)


@dataclass(frozen=True)
class Preview:
    calc: DiscountCalculation | None
    findings: list[Finding]
    period_start: datetime | None
    period_end: datetime | None
    invoice_due_date: date | None
    deadline: date | None
    monthly_fee: Decimal | None
    method: str

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def _preview(cur: Cursor, data: DiscountRequestInput, rules_: Rules, now: datetime) -> Preview:
    method = data.method or rules_.default_method
    findings: list[Finding] = []
    if data.customer_id is None:
        findings.append(Finding("erro", "cliente", "Escolha o cliente."))
    if data.contract_id is None:
        findings.append(Finding("erro", "contrato", "Escolha o contrato."))
    if data.reason not in REASONS:
        findings.append(Finding("erro", "motivo", "Escolha um dos cinco motivos."))
    if method not in METHODS:
        findings.append(Finding("erro", "metodo", "Método de cálculo desconhecido."))
    contract = None
    if data.customer_id is not None:
        try:
            contract = check_links(cur, data.customer_id, data.login_id, data.contract_id)
        except DomainError as exc:
            findings.append(Finding("erro", "vinculo", str(exc)))
    fee = Decimal(contract["monthly_fee"]) if contract else None
    incident = data.incident_started_at if data.reason in (3, 4, 5) else None
    draft = Draft(
        monthly_fee=fee or Decimal(0),
        occurred_on=data.occurred_on,
        opened_at=data.opened_at,
        signal_returned_at=data.signal_returned_at,
        opa_protocol=data.opa_protocol,
        incident_started_at=incident,
        method=method,
    )
    start, end = draft.start, data.signal_returned_at
    calc = None
    if fee is not None and start is not None and end is not None and end > start:
        if method in METHODS:
            calc = calculate_discount(fee, start, end, method, min_minutes=rules_.min_minutes)
    if contract is not None and start is not None:
        draft.overlaps = [
            Overlap(o["ticket_id"], o["protocol"], o["start"], o["end"])
            for o in tk.overlapping_discounts(cur, contract["id"], start, end or now)
        ]
    findings += validate_request(draft, rules_, now, calc)
    return Preview(
        calc=calc,
        findings=findings,
        period_start=start,
        period_end=end,
        invoice_due_date=next_due_date(contract["due_day"], now.astimezone(TZ).date())
        if contract
        else None,
        deadline=compensation_deadline(data.occurred_on, rules_.deadline_days)
        if data.occurred_on
        else None,
        monthly_fee=fee,
        method=method,
    )


def preview_discount(
    store: Store, actor: User, data: DiscountRequestInput, now: datetime | None = None
) -> Preview:
    """What the form shows before saving: the calculation, the period, the invoice, the
    deadline, and every error and warning."""
    require(actor, Perm.OPEN_DISCOUNT)
    now = now or clock_now()
    with store.read() as cur:
        return _preview(cur, data, Rules.from_settings(cat.settings(cur)), now)


def procedure_text(data: DiscountRequestInput, preview: Preview) -> str:
    """The six fields of the procedure, as the attendant used to type them into the ticket."""
    reason = REASONS[data.reason].label if data.reason in REASONS else ""
    opened = data.opened_at.astimezone(TZ) if data.opened_at else None
    if preview.period_end is None:
        returned = "sinal ainda não retornou"
        period = "a calcular quando o sinal retornar"
    else:
        returned = fmt.day_time(preview.period_end)
        calc = preview.calc
        period = f"{fmt.day_time(preview.period_start)} a {fmt.day_time(preview.period_end)}" + (
            f" ({calc.duration_text}; {fmt.brl(calc.amount)})" if calc else ""
        )
    desc = reason + (f" — {data.description.strip()}" if data.description.strip() else "")
    return "\n".join(
        [
            f"Descrição: {desc}",
            f"Data ocorrido: {fmt.day(data.occurred_on)}",
            f"Hora da abertura do chamado: {fmt.day_time(opened)}",
            f"Hora do retorno do sinal da internet: {returned}",
            f"Período para dar desconto: {period}",
            f"Protocolo OPA: {data.opa_protocol.strip()}",
        ]
    )


def open_discount_request(
    store: Store,
    actor: User,
    data: DiscountRequestInput,
    idempotency_key: str,
    now: datetime | None = None,
) -> Opened:
    """Create the FINANCEIRO ticket (subject DESCONTO EM FATURA), its discount request and its
    first movement, in one transaction. The same idempotency key twice returns the first."""
    require(actor, Perm.OPEN_DISCOUNT)
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    now = now or clock_now()
    try:
        with store.transaction() as cur:
            existing = tk.ticket_id_by_key(cur, idempotency_key)
            if existing is not None:
                return opened_result(cur, existing, created=False)
            rules_ = Rules.from_settings(cat.settings(cur))
            if data.method and data.method != rules_.default_method:
                require(actor, Perm.CHOOSE_METHOD)
            preview = _preview(cur, data, rules_, now)
            if preview.errors:
                raise DomainError(" ".join(f.message for f in preview.errors))
            subject = cat.find_item(cur, "subject", DISCOUNT_SUBJECT)
            dept_id = cat.department_id(cur, FINANCE_DEPARTMENT)
            if subject is None or dept_id is None:
                raise DomainError(
                    "O assunto DESCONTO EM FATURA ou o departamento FINANCEIRO não está cadastrado."
                )
            check_extras(cur, data.extras)
            address, lat, lon = resolve_address(
                cur, data.address, data.customer_id, data.login_id, data.contract_id
            )
            calc = preview.calc
            message = procedure_text(data, preview)
            if data.message.strip():
                message += "\n\n" + data.message.strip()
            ticket_id = insert_new_ticket(
                cur,
                actor,
                now,
                idempotency_key,
                subject_id=subject["id"],
                subject_description=subject["description"] or DISCOUNT_SUBJECT,
                department_id=dept_id,
                customer_id=data.customer_id,
                login_id=data.login_id,
                contract_id=data.contract_id,
                address_origin=data.address.origin,
                address=address,
                latitude=lat,
                longitude=lon,
                origin="I",
                message=message,
                extras=data.extras,
            )
            if ticket_id is None:  # another session saved the same key a moment ago
                existing = tk.ticket_id_by_key(cur, idempotency_key)
                return opened_result(cur, existing, created=False)
            tk.insert_discount(
                cur,
                {
                    "ticket_id": ticket_id,
                    "contract_id": data.contract_id,
                    "reason": data.reason,
                    "reason_details": json.dumps(data.reason_details, default=str),
                    "description": data.description.strip(),
                    "occurred_on": data.occurred_on,
                    "opened_at": data.opened_at,
                    "incident_started_at": data.incident_started_at
                    if data.reason in (3, 4, 5)
                    else None,
                    "signal_returned_at": data.signal_returned_at,
                    "method": preview.method,
                    "monthly_fee": preview.monthly_fee,
                    "minutes": calc.minutes if calc else None,
                    "counted_units": calc.counted_units if calc else None,
                    "computed_amount": calc.amount if calc else None,
                    "decision": Decision.PENDENTE if calc else Decision.AGUARDANDO_RETORNO,
                    "opa_protocol": data.opa_protocol.strip(),
                    "deadline": preview.deadline,
                },
            )
            after_open(cur, actor, now, ticket_id, data.extras)
            return opened_result(cur, ticket_id, created=True)
    except StaleState:
        # A concurrent save of the same key conflicted with this one: return the winner.
        with store.read() as cur:
            existing = tk.ticket_id_by_key(cur, idempotency_key)
            if existing is None:
                raise
            return opened_result(cur, existing, created=False)


def record_signal_return(
    store: Store,
    actor: User,
    ticket_id: int,
    returned_at: datetime,
    now: datetime | None = None,
) -> Done:
    """For a request saved before the signal came back: record the time and compute the value."""
    require(actor, Action.RETORNO_SINAL)
    now = now or clock_now()
    if returned_at is None or returned_at.tzinfo is None:
        raise DomainError("Informe a data e a hora do retorno do sinal.")
    if returned_at > now:
        raise DomainError("O retorno do sinal não pode estar no futuro.")
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        if discount is None:
            raise DomainError("Este atendimento não é um pedido de desconto.")
        rules_ = Rules.from_settings(cat.settings(cur))
        start = interruption_start(discount["opened_at"], discount["incident_started_at"])
        if returned_at <= start:
            raise DomainError(
                f"O retorno do sinal deve ser depois do início da interrupção ({fmt.day_time(start)})."
            )
        try:
            calc = calculate_discount(
                Decimal(discount["monthly_fee"]),
                start,
                returned_at,
                discount["method"],
                min_minutes=rules_.min_minutes,
            )
        except CalculationError as exc:
            raise DomainError(str(exc)) from exc
        decide(
            cur,
            ticket,
            discount,
            Action.RETORNO_SINAL,
            {
                "signal_returned_at": returned_at,
                "minutes": calc.minutes,
                "counted_units": calc.counted_units,
                "computed_amount": calc.amount,
            },
        )
        move(
            cur,
            actor,
            now,
            ticket,
            Action.RETORNO_SINAL,
            f"Retorno do sinal: {fmt.day_time(returned_at)} ({calc.duration_text}). {calc.formula}",
        )
    return Done(
        ticket_id, f"Retorno do sinal registrado. Desconto calculado: {fmt.brl(calc.amount)}."
    )
