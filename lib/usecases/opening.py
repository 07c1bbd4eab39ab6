"""Opening a ticket of any subject (the procedure's "Novo atendimento"), and the pieces that
opening a discount request shares with it: the optional fields, the address origin, the links
between customer, login and contract, the insert with its protocol and the first movement.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from lib.auth import Perm, User, require
from lib.domain import (
    DISCOUNT_SUBJECT,
    TZ,
    Action,
    DomainError,
    NotFound,
    StaleState,
    Status,
    make_protocol,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.store import staff as staff_store
from lib.store import tickets as tk


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
class Opened:
    ticket_id: int
    protocol: str
    created: bool  # False when the idempotency key had already opened it


def resolve_address(
    cur: Cursor,
    choice: AddressChoice,
    customer_id: int | None,
    login_id: int | None,
    contract_id: int | None,
    found: dict[str, dict | None] | None = None,
) -> tuple[str | None, float | None, float | None]:
    """Address, latitude and longitude from the chosen origin. Latitude and longitude are only
    ever copied from the source record; a manual address has none. `found`: the records
    `cat.links` already read for these ids in this transaction (not read again)."""
    if choice.origin == "M":
        text = (choice.manual_address or "").strip()
        if not text:
            raise DomainError("Endereço: com origem Manual, digite o endereço.")
        return text, None, None
    source = {
        "C": ("cliente", customer_id, "customer", cat.get_customer),
        "L": ("login", login_id, "login", cat.get_login),
        "CC": ("contrato", contract_id, "contract", cat.get_contract),
    }.get(choice.origin)
    if source is None:
        raise DomainError("Origem do endereço inválida.")
    label, rid, table, getter = source
    if rid is None:
        if choice.origin == "C":
            return None, None, None
        raise DomainError(f"Origem do endereço: escolha o {label} de onde vem o endereço.")
    rec = found[table] if found is not None else getter(cur, rid)
    if rec is None:
        raise NotFound(f"Origem do endereço: {label} não encontrado.")
    return rec.get("address"), rec.get("latitude"), rec.get("longitude")


def check_links(customer_id, login_id, contract_id, found: dict[str, dict | None]) -> dict | None:
    """The login and contract must belong to the customer, and a login tied to a contract
    goes with that contract only (its fee is the one a discount uses). Returns the contract.
    `found`: the records `cat.links` read for these ids."""
    if customer_id is None:
        return None
    if found["customer"] is None:
        raise NotFound("Cliente não encontrado.")
    contract = None
    if contract_id is not None:
        contract = found["contract"]
        if contract is None or contract["customer_id"] != customer_id:
            raise DomainError("Contrato: este contrato não é do cliente escolhido.")
    if login_id is not None:
        login = found["login"]
        if login is None or login["customer_id"] != customer_id:
            raise DomainError("Login: este login não é do cliente escolhido.")
        if (
            contract is not None
            and login["contract_id"] is not None
            and login["contract_id"] != contract["id"]
        ):
            raise DomainError(
                f"Login: {login['username']} é do contrato {login['contract_id']}, não do "
                f"contrato {contract['id']}; escolha o contrato do login."
            )
    return contract


def insert_new_ticket(
    cur: Cursor, actor: User, now: datetime, key: str, *, extras: TicketExtras, **values: Any
) -> Opened:
    """Insert a ticket with status Novo and the next protocol (the protocol written here, not
    read back). The caller has looked the idempotency key up in this transaction; a ticket
    saved with it since raises tickets.KeyTaken."""
    protocol = make_protocol(now.astimezone(TZ).year, tk.next_protocol_number(cur))
    values.update(
        protocol=protocol,
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
    return Opened(tk.insert_ticket(cur, values), protocol, created=True)


def after_open(
    cur: Cursor,
    actor: User,
    now: datetime,
    ticket_id: int,
    extras: TicketExtras,
    note: str = "Atendimento aberto.",
):
    tk.insert_movement(
        cur,
        ticket_id=ticket_id,
        at=now,
        staff_id=actor.id,
        kind=Action.ABRIR.value,
        from_status=None,
        to_status=Status.NOVO.value,
        note=note,
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


def day(value: date) -> str:
    """dd/mm/aaaa, the year always with four digits (fmt.day writes year 1 as 01/01/1): the
    messages about implausible dates show them as the widget does."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# How far ahead a visit may be booked ("Data reservada"): a year; later is a typo (30/11/9999).
RESERVED_MAX_DAYS = 366


def reserved_date_problem(reserved: date | None, today: date) -> str | None:
    """Why this "Data reservada" cannot be saved (pt-BR), or None. The widget takes any date,
    so a date in the past reaches here and is refused instead of being saved as empty."""
    if reserved is None:
        return None
    if reserved < today:
        return (
            f"Data reservada: {day(reserved)} já passou; escolha hoje ou uma data futura, "
            "ou deixe em branco."
        )
    if reserved > today + timedelta(days=RESERVED_MAX_DAYS):
        return f"Data reservada: {day(reserved)} está a mais de um ano de hoje; confira a data."
    return None


def check_extras(cur: Cursor, extras: TicketExtras, now: datetime) -> None:
    """Optional fields must name active records: a list item switched off after the form was
    drawn, or a switched-off responsible, is refused; so is a booked date in the past."""
    if extras.priority not in ("B", "M", "A", "C"):
        raise DomainError("Prioridade inválida.")
    problem = reserved_date_problem(extras.reserved_date, now.astimezone(TZ).date())
    if problem:
        raise DomainError(problem)
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


def opened_for_key(cur: Cursor, idempotency_key: str) -> Opened | None:
    """What this idempotency key already opened (created=False), if anything."""
    existing = tk.ticket_id_by_key(cur, idempotency_key)
    return opened_result(cur, existing, created=False) if existing is not None else None


def opened_result(cur: Cursor, ticket_id: int | None, *, created: bool) -> Opened:
    """The saved ticket's id and protocol. `ticket_id` is None only when the idempotency key's
    ticket could not be read back, which a committed key rules out."""
    assert ticket_id is not None
    protocol = tk.protocol_of(cur, ticket_id)  # only what the screen shows, no 11-way join
    assert protocol is not None
    return Opened(ticket_id=ticket_id, protocol=protocol, created=created)


# How long a save that lost a race on its idempotency key waits for the winner to commit (a
# double click: the other save is a few milliseconds from its COMMIT, or rolls back).
WINNER_WAIT_S = 2.0


def saved_by_other(store: Store, idempotency_key: str, exc: StaleState) -> Opened:
    """After a save of `idempotency_key` rolled back on a conflict: the ticket a concurrent save
    of the same key committed (a double click, two tabs). That save may still be committing
    (DuckDB refuses a duplicate of a key another transaction has inserted but not committed),
    so its ticket is looked for until WINNER_WAIT_S; the conflict itself is raised when no save
    of the key committed (the other rolled back too)."""
    deadline = time.monotonic() + WINNER_WAIT_S
    pause = 0.005
    while True:
        with store.read() as cur:
            found = opened_for_key(cur, idempotency_key)
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise exc
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def open_ticket(
    store: Store, actor: User, data: TicketInput, idempotency_key: str, now: datetime | None = None
) -> Opened:
    """Create a ticket of any subject with status Novo (the procedure's "Novo atendimento")."""
    require(actor, Perm.OPEN_TICKET)
    return _open_ticket(store, actor, data, idempotency_key, now or clock_now())


def saved_once(save: Callable[[Store, User, Any, str, datetime], Opened]):
    """A save bound to a screen's idempotency key (`save(store, actor, data, key, now)`, one
    transaction): run again on a write conflict (lib.store.retrying); when a concurrent save of
    the same key won (a double click, two tabs, two servers), that save's result."""
    retried = retrying(save)

    @functools.wraps(save)
    def run(store: Store, actor: User, data: Any, idempotency_key: str, now: datetime) -> Opened:
        try:
            return retried(store, actor, data, idempotency_key, now)
        except StaleState as exc:
            return saved_by_other(store, idempotency_key, exc)

    return run


@saved_once
def _open_ticket(
    store: Store, actor: User, data: TicketInput, idempotency_key: str, now: datetime
) -> Opened:
    with store.transaction() as cur:
        if (done := opened_for_key(cur, idempotency_key)) is not None:
            return done
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
        found = cat.links(cur, data.customer_id, data.login_id, data.contract_id)
        check_links(data.customer_id, data.login_id, data.contract_id, found)
        check_extras(cur, data.extras, now)
        address, lat, lon = resolve_address(
            cur, data.address, data.customer_id, data.login_id, data.contract_id, found
        )
        opened = insert_new_ticket(
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
        after_open(cur, actor, now, opened.ticket_id, data.extras)
        return opened
