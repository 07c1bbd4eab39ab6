"""Use-cases. Each takes the store and the acting user, checks the user's permission, and runs
as one transaction: it commits once, or writes nothing and raises a DomainError with a pt-BR
message. Every change of a ticket records a movement (who, when, from -> to, note), and every
update is conditional on the state it expects, so a stale screen can never act twice.
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
    ACTION_LABELS,
    DISCOUNT_SUBJECT,
    FINANCE_DEPARTMENT,
    REASONS,
    TZ,
    Action,
    Decision,
    DomainError,
    NotFound,
    StaleState,
    Status,
    compensation_deadline,
    decision_transition,
    make_protocol,
    next_due_date,
    ticket_transition,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store
from lib.store import catalog as cat
from lib.store import staff as staff_store
from lib.store import tickets as tk

# --- inputs -----------------------------------------------------------------------------------


@dataclass
class TicketExtras:
    """The optional ticket fields both forms share ("Mais campos do atendimento")."""

    priority: str = "M"
    responsible_id: int | None = None
    reserved_date: date | None = None
    best_time: str | None = None
    pending_interaction: str = "N"
    canned_response_id: int | None = None
    process_id: int | None = None
    complementary_status_id: int | None = None


@dataclass
class AddressChoice:
    origin: str = "C"  # C cliente, L login, CC contrato, M manual
    manual_address: str = ""


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


@dataclass
class TicketInput:
    """A ticket of any subject (the general "Novo atendimento" form)."""

    subject_id: int | None
    department_id: int | None
    customer_id: int | None = None
    login_id: int | None = None
    contract_id: int | None = None
    subject_description: str = ""
    message: str = ""
    origin: str = "I"
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


@dataclass(frozen=True)
class Opened:
    ticket_id: int
    protocol: str
    created: bool  # False when the idempotency key had already opened it


@dataclass(frozen=True)
class Done:
    ticket_id: int
    message: str  # pt-BR confirmation


# --- settings ---------------------------------------------------------------------------------


# --- addresses --------------------------------------------------------------------------------


def resolve_address(
    cur: Cursor,
    choice: AddressChoice,
    customer_id: int | None,
    login_id: int | None,
    contract_id: int | None,
) -> tuple[str | None, float | None, float | None]:
    """Address, latitude and longitude from the chosen origin. Latitude and longitude are only
    ever copied from the source record; a manual address has none."""
    if choice.origin == "M":
        text = (choice.manual_address or "").strip()
        if not text:
            raise DomainError("Endereço: com origem Manual, digite o endereço.")
        return text, None, None
    source = {
        "C": ("cliente", customer_id, cat.get_customer),
        "L": ("login", login_id, cat.get_login),
        "CC": ("contrato", contract_id, cat.get_contract),
    }.get(choice.origin)
    if source is None:
        raise DomainError("Origem do endereço inválida.")
    label, rid, getter = source
    if rid is None:
        if choice.origin == "C":
            return None, None, None
        raise DomainError(f"Origem do endereço: escolha o {label} de onde vem o endereço.")
    rec = getter(cur, rid)
    if rec is None:
        raise NotFound(f"Origem do endereço: {label} não encontrado.")
    return rec.get("address"), rec.get("latitude"), rec.get("longitude")


# --- discount requests ------------------------------------------------------------------------


def _check_links(cur: Cursor, customer_id, login_id, contract_id) -> dict | None:
    """The login and contract must belong to the customer. Returns the contract."""
    if customer_id is None:
        return None
    if cat.get_customer(cur, customer_id) is None:
        raise NotFound("Cliente não encontrado.")
    contract = None
    if contract_id is not None:
        contract = cat.get_contract(cur, contract_id)
        if contract is None or contract["customer_id"] != customer_id:
            raise DomainError("Contrato: este contrato não é do cliente escolhido.")
    if login_id is not None:
        login = cat.get_login(cur, login_id)
        if login is None or login["customer_id"] != customer_id:
            raise DomainError("Login: este login não é do cliente escolhido.")
    return contract


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
            contract = _check_links(cur, data.customer_id, data.login_id, data.contract_id)
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
                return _opened(cur, existing, created=False)
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
            _check_extras(cur, data.extras)
            address, lat, lon = resolve_address(
                cur, data.address, data.customer_id, data.login_id, data.contract_id
            )
            calc = preview.calc
            message = procedure_text(data, preview)
            if data.message.strip():
                message += "\n\n" + data.message.strip()
            ticket_id = _insert_ticket(
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
                return _opened(cur, existing, created=False)
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
            _after_open(cur, actor, now, ticket_id, data.extras)
            return _opened(cur, ticket_id, created=True)
    except StaleState:
        # A concurrent save of the same key conflicted with this one: return the winner.
        with store.read() as cur:
            existing = tk.ticket_id_by_key(cur, idempotency_key)
            if existing is None:
                raise
            return _opened(cur, existing, created=False)


def _insert_ticket(
    cur: Cursor, actor: User, now: datetime, key: str, *, extras: TicketExtras, **values: Any
) -> int | None:
    values.update(
        protocol=make_protocol(now.astimezone(TZ).year, tk.next_protocol_number(cur)),
        idempotency_key=key,
        priority=extras.priority,
        responsible_id=extras.responsible_id,
        reserved_date=extras.reserved_date,
        best_time=extras.best_time,
        pending_interaction=extras.pending_interaction,
        canned_response_id=extras.canned_response_id,
        process_id=extras.process_id,
        complementary_status_id=extras.complementary_status_id,
        status=Status.NOVO.value,
        opened_at=now,
        opened_by=actor.id,
        updated_at=now,
    )
    return tk.insert_ticket(cur, values)


def _after_open(cur: Cursor, actor: User, now: datetime, ticket_id: int, extras: TicketExtras):
    tk.insert_movement(
        cur,
        ticket_id=ticket_id,
        at=now,
        staff_id=actor.id,
        kind=Action.ABRIR.value,
        from_status=None,
        to_status=Status.NOVO.value,
        note="Atendimento aberto.",
    )
    if extras.canned_response_id is not None:
        canned = cat.get_item(cur, "canned_response", extras.canned_response_id)
        if canned is None:
            raise NotFound("Resposta padrão não encontrada.")
        tk.insert_movement(
            cur,
            ticket_id=ticket_id,
            at=now,
            staff_id=actor.id,
            kind=Action.MENSAGEM.value,
            from_status=Status.NOVO.value,
            to_status=Status.NOVO.value,
            note=canned["body"],
            customer_visible=True,
        )


def _check_extras(cur: Cursor, extras: TicketExtras) -> None:
    """Optional fields must name active records: a list item switched off after the form was
    drawn, or a switched-off responsible, is refused."""
    if extras.priority not in ("B", "M", "A", "C"):
        raise DomainError("Prioridade inválida.")
    for table, item_id, label in (
        ("process", extras.process_id, "Processo"),
        ("complementary_status", extras.complementary_status_id, "Status complementar"),
        ("canned_response", extras.canned_response_id, "Resposta padrão"),
    ):
        if item_id is not None:
            item = cat.get_item(cur, table, item_id)
            if item is None or not item["active"]:
                raise DomainError(f"{label}: a opção escolhida foi desligada; escolha outra.")
    if extras.responsible_id is not None:
        person = staff_store.by_id(cur, extras.responsible_id)
        if person is None or not person["active"]:
            raise DomainError("Técnico responsável: escolha alguém ativo da equipe.")


def _opened(cur: Cursor, ticket_id: int, *, created: bool) -> Opened:
    t = tk.get_ticket(cur, ticket_id)
    return Opened(ticket_id=ticket_id, protocol=t["protocol"], created=created)


def open_ticket(
    store: Store, actor: User, data: TicketInput, idempotency_key: str, now: datetime | None = None
) -> Opened:
    """Create a ticket of any subject with status Novo (the procedure's "Novo atendimento")."""
    require(actor, Perm.OPEN_TICKET)
    now = now or clock_now()
    with store.transaction() as cur:
        existing = tk.ticket_id_by_key(cur, idempotency_key)
        if existing is not None:
            return _opened(cur, existing, created=False)
        if data.subject_id is None:
            raise DomainError("Assunto: escolha o assunto do atendimento.")
        subject = cat.get_item(cur, "subject", data.subject_id)
        if subject is None or not subject["active"]:
            raise DomainError("Assunto: escolha um assunto ativo.")
        if subject["name"] == DISCOUNT_SUBJECT:
            raise DomainError(
                "Assunto: pedidos de DESCONTO EM FATURA são abertos na página Desconto em fatura."
            )
        if data.department_id is None:
            raise DomainError("Departamento: escolha o departamento do atendimento.")
        dept = cat.get_item(cur, "department", data.department_id)
        if dept is None or not dept["active"]:
            raise DomainError("Departamento: escolha um departamento ativo.")
        if subject["login_required"] and (data.login_id is None or data.contract_id is None):
            raise DomainError(
                f"Login e Contrato: o assunto {subject['name']} exige login e contrato."
            )
        if data.customer_id is None and (data.login_id or data.contract_id):
            raise DomainError("Cliente: escolha o cliente do login e do contrato.")
        _check_links(cur, data.customer_id, data.login_id, data.contract_id)
        _check_extras(cur, data.extras)
        address, lat, lon = resolve_address(
            cur, data.address, data.customer_id, data.login_id, data.contract_id
        )
        ticket_id = _insert_ticket(
            cur,
            actor,
            now,
            idempotency_key,
            subject_id=subject["id"],
            subject_description=(data.subject_description or subject["description"]).strip(),
            department_id=data.department_id,
            customer_id=data.customer_id,
            login_id=data.login_id,
            contract_id=data.contract_id,
            address_origin=data.address.origin,
            address=address,
            latitude=lat,
            longitude=lon,
            origin=data.origin,
            message=data.message.strip(),
            extras=data.extras,
        )
        if ticket_id is None:
            return _opened(cur, tk.ticket_id_by_key(cur, idempotency_key), created=False)
        _after_open(cur, actor, now, ticket_id, data.extras)
        return _opened(cur, ticket_id, created=True)


# --- ticket actions ---------------------------------------------------------------------------


def _load(cur: Cursor, ticket_id: int) -> tuple[dict, dict | None]:
    ticket = tk.get_ticket(cur, ticket_id)
    if ticket is None:
        raise NotFound(f"Atendimento #{ticket_id} não encontrado.")
    return ticket, tk.get_discount(cur, ticket_id)


def _required(text: str | None, message: str) -> str:
    """The stripped text, or DomainError(message) when nothing was written."""
    text = (text or "").strip()
    if not text:
        raise DomainError(message)
    return text


def _check_expected(cur: Cursor, ticket: dict, expected_status: str | None) -> None:
    """Refuse when the screen showed another status than the store has now."""
    if expected_status is None or ticket["status"] == expected_status:
        return
    raise StaleState(_changed_message(cur, ticket))


def _changed_message(cur: Cursor, ticket: dict) -> str:
    status = Status(ticket["status"])
    if status == Status.EM_PROGRESSO:
        who = tk.last_movement(cur, ticket["id"], Action.ASSUMIR.value)
        if who:
            return (
                f"Este atendimento já foi assumido por {who['staff']} às "
                f"{who['created_at'].astimezone(TZ):%H:%M} de {fmt.day(who['created_at'])}."
            )
    return (
        f"O atendimento #{ticket['id']} mudou enquanto você olhava: agora está "
        f"{status.label.lower()}. Recarregue a lista."
    )


def _move(
    cur: Cursor,
    actor: User,
    now: datetime,
    ticket: dict,
    action: Action,
    note: str,
    changes: dict[str, Any] | None = None,
    **movement: Any,
) -> str:
    """Apply the ticket's transition with a conditional update and record the movement."""
    current = Status(ticket["status"])
    target = ticket_transition(action, current)
    changes = dict(changes or {})
    changes["status"] = target.value
    changes["updated_at"] = now
    if target in (Status.SOLUCIONADO, Status.CANCELADO):
        changes["closed_at"] = now
    if not tk.update_ticket(cur, ticket["id"], current.value, changes):
        raise StaleState(_changed_message(cur, tk.get_ticket(cur, ticket["id"])))
    tk.insert_movement(
        cur,
        ticket_id=ticket["id"],
        at=now,
        staff_id=actor.id,
        kind=action.value,
        from_status=current.value,
        to_status=target.value,
        note=note,
        **movement,
    )
    return target.value


def _decide(
    cur: Cursor, ticket: dict, discount: dict | None, action: Action, changes: dict
) -> None:
    if discount is None:
        raise DomainError(
            f"O atendimento #{ticket['id']} não é um pedido de desconto: não há o que "
            f"{ACTION_LABELS[action].lower()}."
        )
    current = Decision(discount["decision"])
    target = decision_transition(action, current)
    changes = {"decision": target.value, **changes}
    if not tk.update_discount(cur, ticket["id"], current.value, changes):
        raise StaleState("O desconto mudou enquanto você olhava. Recarregue e tente de novo.")


def _is_discount(ticket: dict) -> bool:
    return ticket["subject"] == DISCOUNT_SUBJECT


def assume(
    store: Store,
    actor: User,
    ticket_id: int,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    """Take the ticket: it becomes Em progresso with the actor responsible."""
    now = now or clock_now()
    with store.transaction() as cur:
        ticket, _ = _load(cur, ticket_id)
        require(actor, Action.ASSUMIR, discount_ticket=_is_discount(ticket))
        if ticket["status"] == Status.EM_PROGRESSO.value:
            raise StaleState(_changed_message(cur, ticket))
        _check_expected(cur, ticket, expected_status)
        _move(
            cur,
            actor,
            now,
            ticket,
            Action.ASSUMIR,
            f"Assumido por {actor.name}.",
            {"responsible_id": actor.id, "assumed_at": ticket["assumed_at"] or now},
        )
    return Done(ticket_id, "Atendimento assumido com sucesso!")


def forward(
    store: Store,
    actor: User,
    ticket_id: int,
    department_id: int,
    note: str,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    """Send the ticket to another department; it returns to Novo there, with no responsible."""
    require(actor, Action.ENCAMINHAR)
    now = now or clock_now()
    note = _required(note, "Encaminhar: escreva uma observação para o outro departamento.")
    with store.transaction() as cur:
        ticket, _ = _load(cur, ticket_id)
        _check_expected(cur, ticket, expected_status)
        dept = cat.get_item(cur, "department", department_id)
        if dept is None or not dept["active"]:
            raise DomainError("Encaminhar: escolha um departamento ativo.")
        if dept["id"] == ticket["department_id"]:
            raise DomainError(f"O atendimento já está no departamento {dept['name']}.")
        _move(
            cur,
            actor,
            now,
            ticket,
            Action.ENCAMINHAR,
            note,
            {"department_id": dept["id"], "responsible_id": None},
            from_department_id=ticket["department_id"],
            to_department_id=dept["id"],
        )
    return Done(ticket_id, f"Atendimento encaminhado para {dept['name']}.")


def add_message(
    store: Store,
    actor: User,
    ticket_id: int,
    text: str,
    customer_visible: bool = False,
    now: datetime | None = None,
) -> Done:
    require(actor, Action.MENSAGEM)
    now = now or clock_now()
    text = _required(text, "Mensagem: escreva o texto da mensagem.")
    with store.transaction() as cur:
        ticket, _ = _load(cur, ticket_id)
        _move(
            cur,
            actor,
            now,
            ticket,
            Action.MENSAGEM,
            text,
            customer_visible=customer_visible,
        )
    return Done(ticket_id, "Mensagem adicionada ao atendimento.")


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
        ticket, discount = _load(cur, ticket_id)
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
        _decide(
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
        _move(
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


def _money(value: Any, label: str) -> Decimal:
    """An amount typed in pt-BR (`1.234,56`) or given as a Decimal, exact to the cent."""
    try:
        amount = value if isinstance(value, Decimal) else fmt.parse_brl(str(value))
    except DomainError as exc:
        raise DomainError(f"{label}: {exc}") from exc
    if amount is None:
        raise DomainError(f"{label}: informe o valor.")
    if not amount.is_finite() or amount < 0:
        raise DomainError(f"{label}: o valor não pode ser negativo.")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{label}: use no máximo duas casas decimais.")
    return amount.quantize(Decimal("0.01"))


def approve(
    store: Store,
    actor: User,
    ticket_id: int,
    adjusted_amount: Decimal | None = None,
    adjustment_reason: str = "",
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    """Approve the computed amount, or an adjusted one with a reason. Above one monthly fee
    (times the setting) only a supervisor may approve."""
    require(actor, Action.APROVAR)
    now = now or clock_now()
    with store.transaction() as cur:
        ticket, discount = _load(cur, ticket_id)
        _check_expected(cur, ticket, expected_status)
        if discount is None:
            raise DomainError("Este atendimento não é um pedido de desconto.")
        if discount["decision"] == Decision.AGUARDANDO_RETORNO.value:
            raise DomainError(
                "Informe o retorno do sinal antes de aprovar: o valor ainda não foi calculado."
            )
        if ticket["status"] != Status.EM_PROGRESSO.value:
            raise DomainError("Assuma o atendimento antes de aprovar o desconto.")
        computed = Decimal(discount["computed_amount"])
        note = f"Desconto aprovado: {fmt.brl(computed)}."
        amount = computed
        reason = (adjustment_reason or "").strip()
        if adjusted_amount is not None:
            amount = _money(adjusted_amount, "Valor ajustado")
            if amount != computed:
                if not reason:
                    raise DomainError("Valor ajustado: informe o motivo do ajuste.")
                note = (
                    f"Desconto aprovado com ajuste: {fmt.brl(amount)} "
                    f"(calculado {fmt.brl(computed)}). Motivo: {reason}"
                )
        cap = (
            Decimal(discount["monthly_fee"])
            * Rules.from_settings(cat.settings(cur)).max_fee_multiple
        )
        if amount > cap:
            require(actor, Perm.APPROVE_OVER_FEE)
            note += " Acima de uma mensalidade: aprovado por supervisor."
        _decide(
            cur,
            ticket,
            discount,
            Action.APROVAR,
            {
                "approved_amount": amount,
                "adjustment_reason": reason or None,
                "decided_by": actor.id,
                "decided_at": now,
            },
        )
        _move(cur, actor, now, ticket, Action.APROVAR, note)
    return Done(ticket_id, f"Desconto de {fmt.brl(amount)} aprovado.")


def reject(
    store: Store,
    actor: User,
    ticket_id: int,
    reason: str,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    require(actor, Action.REPROVAR)
    now = now or clock_now()
    reason = _required(reason, "Reprovar: informe o motivo da reprovação.")
    with store.transaction() as cur:
        ticket, discount = _load(cur, ticket_id)
        _check_expected(cur, ticket, expected_status)
        _decide(
            cur,
            ticket,
            discount,
            Action.REPROVAR,
            {"decision_reason": reason, "decided_by": actor.id, "decided_at": now},
        )
        _move(
            cur,
            actor,
            now,
            ticket,
            Action.REPROVAR,
            f"Desconto reprovado. Motivo: {reason}",
        )
    return Done(ticket_id, "Desconto reprovado; o atendimento foi solucionado.")


def mark_applied(
    store: Store,
    actor: User,
    ticket_id: int,
    invoice_due_date: date,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    """The approved discount went on the invoice due on `invoice_due_date`: solves the ticket."""
    require(actor, Action.APLICAR)
    now = now or clock_now()
    if invoice_due_date is None:
        raise DomainError("Informe o vencimento da fatura em que o desconto foi aplicado.")
    with store.transaction() as cur:
        ticket, discount = _load(cur, ticket_id)
        _check_expected(cur, ticket, expected_status)
        _decide(
            cur,
            ticket,
            discount,
            Action.APLICAR,
            {"invoice_due_date": invoice_due_date, "applied_at": now, "applied_by": actor.id},
        )
        _move(
            cur,
            actor,
            now,
            ticket,
            Action.APLICAR,
            f"Desconto de {fmt.brl(discount['approved_amount'])} aplicado na fatura com "
            f"vencimento em {fmt.day(invoice_due_date)}.",
        )
    return Done(ticket_id, "Desconto marcado como aplicado; o atendimento foi solucionado.")


def cancel(
    store: Store,
    actor: User,
    ticket_id: int,
    reason: str,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    now = now or clock_now()
    reason = _required(reason, "Cancelar: informe o motivo do cancelamento.")
    with store.transaction() as cur:
        ticket, discount = _load(cur, ticket_id)
        require(actor, Action.CANCELAR, discount_ticket=_is_discount(ticket))
        _check_expected(cur, ticket, expected_status)
        if discount is not None:
            _decide(
                cur,
                ticket,
                discount,
                Action.CANCELAR,
                {"decision_reason": reason, "decided_by": actor.id, "decided_at": now},
            )
        _move(cur, actor, now, ticket, Action.CANCELAR, f"Cancelado. Motivo: {reason}")
    return Done(ticket_id, "Atendimento cancelado.")


def set_pending(
    store: Store,
    actor: User,
    ticket_id: int,
    note: str,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    """The ticket waits on someone (the customer, a part, a visit): Em progresso -> Pendente.
    Assuming it again takes it back to Em progresso."""
    now = now or clock_now()
    note = _required(note, "Pendente: escreva o que o atendimento está aguardando.")
    with store.transaction() as cur:
        ticket, _ = _load(cur, ticket_id)
        require(actor, Action.PENDENCIAR, discount_ticket=_is_discount(ticket))
        _check_expected(cur, ticket, expected_status)
        _move(cur, actor, now, ticket, Action.PENDENCIAR, note)
    return Done(ticket_id, "Atendimento marcado como pendente.")


def solve(
    store: Store,
    actor: User,
    ticket_id: int,
    note: str,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Done:
    """Solve a ticket of any subject but DESCONTO EM FATURA (those are solved by applying or
    rejecting the discount)."""
    now = now or clock_now()
    note = _required(note, "Solucionar: descreva a solução.")
    with store.transaction() as cur:
        ticket, discount = _load(cur, ticket_id)
        if discount is not None:
            raise DomainError(
                "Pedidos de desconto são solucionados ao marcar o desconto como aplicado ou ao reprová-lo."
            )
        require(actor, Action.SOLUCIONAR, discount_ticket=False)
        _check_expected(cur, ticket, expected_status)
        _move(cur, actor, now, ticket, Action.SOLUCIONAR, note)
    return Done(ticket_id, "Atendimento solucionado.")


# --- reads ------------------------------------------------------------------------------------


def ticket_detail(
    store: Store, actor: User, ticket_id: int
) -> tuple[dict, dict | None, list[dict]]:
    """The ticket, its discount request (or None) and its history, newest first."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        ticket, discount = _load(cur, ticket_id)
        return ticket, discount, tk.movements(cur, ticket_id)


def home_counts(store: Store, actor: User) -> dict[str, int]:
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return tk.counts(cur)
