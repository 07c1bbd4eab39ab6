"""Discount requests before finance decides: the preview the form shows, opening the
FINANCEIRO ticket with its request (idempotent by key), and recording the signal's return
later, which computes the value and completes the ticket's procedure text.

Exceptions are explicit: a request under the minimum or past the deadline is sent only with a
confirmation and its reason, and one overlapping another discount of the contract only when a
supervisor lets it, with the reason; both are kept on the request and in its first movement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, Role, User, require
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
    compensation_deadline,
    next_due_date,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.store import tickets as tk
from lib.usecases import incident_link
from lib.usecases.opening import (
    AddressChoice,
    Opened,
    TicketExtras,
    after_open,
    check_extras,
    check_links,
    day,
    insert_new_ticket,
    opened_for_key,
    resolve_address,
    saved_once,
)
from lib.usecases.procedure import record_return, return_lines
from lib.usecases.transitions import Done, load_shown


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
    # Why a request under the minimum or past the deadline goes to finance anyway (empty: it
    # does not, and those findings block the save).
    confirmation_reason: str = ""
    # A supervisor's reason to let this request overlap another of the same contract.
    overlap_override_reason: str = ""
    # The incident (issue 15) the request is linked to: its reason, start and end win.
    incident_id: int | None = None


# Findings the opener may send on with a confirmation and a reason, as finance reads them.
CONFIRMABLE = {
    "abaixo_minimo": "interrupção abaixo do mínimo",
    "prazo_vencido": "ocorrido fora do prazo de ressarcimento",
}
# Findings about the login or contract chosen, by the field check_links names first.
_LINK_FIELDS = {"login_vinculo": "Login", "contrato_vinculo": "Contrato"}
# How far back any date of a request may go: five years, the consumer's limit to claim damages
# (CDC art. 27). An older date is a typo (01/01/1900), never a late request.
OLDEST_YEARS = 5


def may_override_overlap(actor: User | None) -> bool:
    """Only a supervisor lets two discounts of one contract cover the same time."""
    return actor is not None and actor.role == Role.SUPERVISOR


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
    overlaps: tuple[Overlap, ...] = ()
    # The customer, login and contract as read for this preview (cat.links), so a save in the
    # same transaction does not read them again for the address.
    links: dict[str, dict | None] | None = field(default=None, compare=False, repr=False)

    @property
    def needs_confirmation(self) -> bool:
        """Under the minimum or past the deadline: sent only with a confirmation and a reason."""
        return any(f.code in CONFIRMABLE for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def oldest_date(today: date) -> date:
    """The oldest date a request may name (OLDEST_YEARS before today)."""
    try:
        return today.replace(year=today.year - OLDEST_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - OLDEST_YEARS, day=28)


def _local_day(value: date | datetime) -> date:
    return value.astimezone(TZ).date() if isinstance(value, datetime) else value


def _date_findings(data: DiscountRequestInput, today: date) -> list[Finding]:
    """Dates the widgets accept but no request can hold: older than OLDEST_YEARS, or a Data
    ocorrido in the future (the widgets take any date, so what is saved is what is shown)."""
    out = []
    oldest = oldest_date(today)
    for code, label, value in (
        ("ocorrido_antigo", "A data do ocorrido", data.occurred_on),
        ("abertura_antiga", "A abertura do chamado", data.opened_at),
        ("incidente_antigo", "O início do incidente", data.incident_started_at),
        ("retorno_antigo", "O retorno do sinal", data.signal_returned_at),
    ):
        if value is not None and _local_day(value) < oldest:
            out.append(
                Finding(
                    "erro",
                    code,
                    f"{label} ({day(_local_day(value))}) é de mais de {OLDEST_YEARS} anos "
                    "atrás: confira a data.",
                )
            )
    if data.occurred_on is not None and data.occurred_on > today:
        out.append(
            Finding(
                "erro",
                "ocorrido_futuro",
                f"A data do ocorrido ({day(data.occurred_on)}) não pode estar no futuro.",
            )
        )
    return out


def _start_findings(data: DiscountRequestInput, start: datetime | None) -> list[Finding]:
    """The incident's start against the opening: a later start is ignored (say so), an earlier
    one starts the period, and then the Data ocorrido may not be after it."""
    out: list[Finding] = []
    incident, opened = data.incident_started_at, data.opened_at
    if data.reason not in (3, 4, 5) or incident is None or opened is None:
        return out
    if incident > opened:
        out.append(
            Finding(
                "aviso",
                "incidente_depois",
                f"O início do incidente ({fmt.day_time(incident)}) é depois da abertura do "
                f"chamado ({fmt.day_time(opened)}): o período do desconto começa na abertura "
                "do chamado, e o início do incidente não é usado.",
            )
        )
    elif (
        start is not None
        and data.occurred_on is not None
        and data.occurred_on > start.astimezone(TZ).date()
    ):
        out.append(
            Finding(
                "erro",
                "ocorrido_depois_inicio",
                f"A data do ocorrido ({fmt.day(data.occurred_on)}) é depois do início da "
                f"interrupção ({fmt.day_time(start)}): use o dia em que a interrupção começou.",
            )
        )
    return out


def _settle_exceptions(
    findings: list[Finding], data: DiscountRequestInput, actor: User | None
) -> list[Finding]:
    """Below the minimum, past the deadline and an overlap block the save, unless confirmed
    with a reason (an overlap: by a supervisor); once confirmed they stay as warnings."""
    reason = (data.confirmation_reason or "").strip()
    override = (data.overlap_override_reason or "").strip()
    out = []
    for f in findings:
        if f.code in CONFIRMABLE:
            if reason:
                f = Finding("aviso", f.code, f"{f.message} Enviado mesmo assim: {reason}")
            else:
                f = Finding(
                    "erro",
                    f.code,
                    f"{f.message} Para enviar ao financeiro mesmo assim, confirme e escreva o "
                    "motivo.",
                )
        elif f.code == "sobreposicao":
            if override and may_override_overlap(actor):
                f = Finding("aviso", f.code, f"{f.message} Liberada pelo supervisor: {override}")
            elif override:
                f = Finding(
                    "erro", f.code, f"{f.message} Só um supervisor pode liberar a sobreposição."
                )
            else:
                f = Finding(
                    "erro",
                    f.code,
                    f"{f.message} Dois descontos do mesmo contrato não podem cobrir o mesmo "
                    "período: ajuste os horários, ou um supervisor libera com o motivo.",
                )
        out.append(f)
    return out


def _preview(
    cur: Cursor, data: DiscountRequestInput, rules_: Rules, now: datetime, actor: User | None
) -> Preview:
    method = data.method or rules_.default_method
    today = now.astimezone(TZ).date()
    linked: list[Finding] = []
    try:
        data = incident_link.apply_incident(cur, data)
    except DomainError as exc:
        linked.append(Finding("erro", "incidente", str(exc)))
    findings: list[Finding] = _date_findings(data, today) + linked
    if data.customer_id is None:
        findings.append(Finding("erro", "cliente", "Escolha o cliente."))
    if data.contract_id is None:
        findings.append(Finding("erro", "contrato", "Escolha o contrato."))
    if data.reason not in REASONS:
        findings.append(Finding("erro", "motivo", "Escolha um dos cinco motivos."))
    if method not in METHODS:
        findings.append(Finding("erro", "metodo", "Método de cálculo desconhecido."))
    contract = None
    found = None
    if data.customer_id is not None:
        found = cat.links(cur, data.customer_id, data.login_id, data.contract_id)
        try:
            contract = check_links(data.customer_id, data.login_id, data.contract_id, found)
        except DomainError as exc:
            field_, _, message = str(exc).partition(": ")
            code = {v: k for k, v in _LINK_FIELDS.items()}.get(field_)
            findings.append(
                Finding("erro", code, message) if code else Finding("erro", "vinculo", str(exc))
            )
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
    findings += _start_findings(data, start)
    checked = validate_request(draft, rules_, now, calc)
    if "ocorrido_antigo" in {f.code for f in findings}:  # a typo, not a late request
        checked = [f for f in checked if f.code != "prazo_vencido"]
    findings += _settle_exceptions(checked, data, actor)
    in_range = data.occurred_on is not None and oldest_date(today) <= data.occurred_on <= today
    return Preview(
        calc=calc,
        findings=findings,
        period_start=start,
        period_end=end,
        invoice_due_date=next_due_date(contract["due_day"], now.astimezone(TZ).date())
        if contract
        else None,
        deadline=compensation_deadline(data.occurred_on, rules_.deadline_days)
        if data.occurred_on and in_range
        else None,
        monthly_fee=fee,
        method=method,
        overlaps=tuple(draft.overlaps),
        links=found,
    )


def preview_discount(
    store: Store, actor: User, data: DiscountRequestInput, now: datetime | None = None
) -> Preview:
    """What the form shows before saving: the calculation, the period, the invoice, the
    deadline, and every error and warning."""
    require(actor, Perm.OPEN_DISCOUNT)
    now = now or clock_now()
    with store.read() as cur:
        return _preview(cur, data, Rules.from_settings(cat.settings(cur)), now, actor)


def procedure_text(data: DiscountRequestInput, preview: Preview) -> str:
    """The six fields of the procedure, as the attendant used to type them into the ticket."""
    reason = REASONS[data.reason].label if data.reason in REASONS else ""
    opened = data.opened_at.astimezone(TZ) if data.opened_at else None
    returned, period = return_lines(preview.period_start, preview.period_end, preview.calc)
    desc = reason + (f" — {data.description.strip()}" if data.description.strip() else "")
    return "\n".join(
        [
            f"Descrição: {desc}",
            f"Data ocorrido: {fmt.day(data.occurred_on)}",
            f"Hora da abertura do chamado: {fmt.day_time(opened)}",
            returned,
            period,
            f"Protocolo OPA: {data.opa_protocol.strip()}",
        ]
    )


def exception_note(preview: Preview, data: DiscountRequestInput, actor: User) -> str:
    """What the opener confirmed or a supervisor let through, with who and why (pt-BR); empty
    when nothing was. Finance reads it on the request, and the first movement records it."""
    parts = []
    confirmed = [CONFIRMABLE[f.code] for f in preview.findings if f.code in CONFIRMABLE]
    if confirmed:
        parts.append(
            f"Enviado com {' e '.join(confirmed)}, confirmado por {actor.name}: "
            f"{data.confirmation_reason.strip()}"
        )
    if preview.overlaps:
        others = ", ".join(f"#{o.ticket_id}" for o in preview.overlaps)
        parts.append(
            f"Sobreposição com o desconto {others} do mesmo contrato liberada por "
            f"{actor.name} (supervisor): {data.overlap_override_reason.strip()}"
        )
    return ". ".join(parts) + ("." if parts else "")


def opened_by_key(store: Store, actor: User, idempotency_key: str) -> Opened | None:
    """The request this idempotency key already opened, if any."""
    require(actor, Perm.OPEN_DISCOUNT)
    with store.read() as cur:
        return opened_for_key(cur, idempotency_key)


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
    return _open_discount_request(store, actor, data, idempotency_key, now or clock_now())


@saved_once
def _open_discount_request(
    store: Store, actor: User, data: DiscountRequestInput, idempotency_key: str, now: datetime
) -> Opened:
    with store.transaction() as cur:
        if (done := opened_for_key(cur, idempotency_key)) is not None:
            return done
        rules_ = Rules.from_settings(cat.settings(cur))
        if data.method and data.method != rules_.default_method:
            require(actor, Perm.CHOOSE_METHOD)
        preview = _preview(cur, data, rules_, now, actor)
        if not preview.errors:
            data = incident_link.apply_incident(cur, data)
        if preview.errors:
            raise DomainError(
                " ".join(
                    (f"{_LINK_FIELDS[f.code]}: " if f.code in _LINK_FIELDS else "") + f.message
                    for f in preview.errors
                )
            )
        subject, dept_id = cat.subject_and_department(cur, DISCOUNT_SUBJECT, FINANCE_DEPARTMENT)
        if subject is None or dept_id is None:
            raise DomainError(
                "O assunto DESCONTO EM FATURA ou o departamento FINANCEIRO não está cadastrado."
            )
        check_extras(cur, data.extras, now)
        address, lat, lon = resolve_address(
            cur, data.address, data.customer_id, data.login_id, data.contract_id, preview.links
        )
        calc = preview.calc
        message = procedure_text(data, preview)
        if data.message.strip():
            message += "\n\n" + data.message.strip()
        note = exception_note(preview, data, actor)
        opened = insert_new_ticket(
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
        ticket_id = opened.ticket_id
        # The exception note and its reasons go in with the request (no second write).
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
                "confirmation_reason": data.confirmation_reason.strip()
                if note and preview.needs_confirmation
                else None,
                "overlap_override_reason": data.overlap_override_reason.strip()
                if note and preview.overlaps
                else None,
                "overlap_override_by": actor.id if note and preview.overlaps else None,
                "exception_note": note or None,
            },
        )
        if data.incident_id is not None:
            incident_link.after_linked_open(cur, actor, now, ticket_id, data.incident_id)
        after_open(
            cur,
            actor,
            now,
            ticket_id,
            data.extras,
            note="Atendimento aberto." + (f" {note}" if note else ""),
        )
        return opened


@retrying
def record_signal_return(
    store: Store,
    actor: User,
    ticket_id: int,
    returned_at: datetime,
    now: datetime | None = None,
    *,
    expected_status: str | None = None,
    expected_decision: str | None = None,
) -> Done:
    """For a request saved before the signal came back: record the time and compute the value.
    Bound, like every ticket action, to the status and decision the screen showed."""
    require(actor, Action.RETORNO_SINAL)
    now = now or clock_now()
    if returned_at is None or returned_at.tzinfo is None:
        raise DomainError("Informe a data e a hora do retorno do sinal.")
    if returned_at > now:
        raise DomainError("O retorno do sinal não pode estar no futuro.")
    with store.transaction() as cur:
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
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
        note = (
            f"Retorno do sinal: {fmt.day_time(returned_at)} ({calc.duration_text}). {calc.formula}"
        )
        record_return(cur, actor, now, ticket, discount, start, returned_at, calc, note)
    return Done(
        ticket_id, f"Retorno do sinal registrado. Desconto calculado: {fmt.brl(calc.amount)}."
    )
