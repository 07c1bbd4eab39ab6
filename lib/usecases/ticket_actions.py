"""Actions on a ticket of any subject: assume, forward, message, pend, solve and cancel, and
the reads of one ticket (detail with history) and of the home page's counts.

Each action takes the status (and, on a discount request, the decision) the screen showed and
refuses, naming who changed it and when, if the store has moved on.
"""

from __future__ import annotations

from datetime import datetime

from lib.auth import Perm, User, require
from lib.domain import (
    FINANCE_DEPARTMENT,
    OPEN_DECISIONS,
    Action,
    Decision,
    DomainError,
    StaleState,
    Status,
)
from lib.domain import now as clock_now
from lib.store import Store, retrying
from lib.store import catalog as cat
from lib.store import tickets as tk
from lib.usecases.transitions import (
    Done,
    changed_message,
    check_expected,
    decide,
    is_discount,
    load_ticket,
    move,
    required_text,
)


@retrying
def assume(
    store: Store,
    actor: User,
    ticket_id: int,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    """Take the ticket: it becomes Em progresso with the actor responsible."""
    now = now or clock_now()
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        require(actor, Action.ASSUMIR, discount_ticket=is_discount(ticket))
        if ticket["status"] == Status.EM_PROGRESSO.value:
            raise StaleState(changed_message(cur, ticket, discount))
        check_expected(
            cur, ticket, expected_status, discount=discount, expected_decision=expected_decision
        )
        move(
            cur,
            actor,
            now,
            ticket,
            Action.ASSUMIR,
            f"Assumido por {actor.name}.",
            {"responsible_id": actor.id, "assumed_at": ticket["assumed_at"] or now},
        )
    return Done(ticket_id, "Atendimento assumido com sucesso!")


@retrying
def forward(
    store: Store,
    actor: User,
    ticket_id: int,
    department_id: int,
    note: str,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    """Send the ticket to another department; it returns to Novo there, with no responsible.

    A discount request belongs to FINANCEIRO: only finance or a supervisor moves it, and never
    out of FINANCEIRO while its decision is open (one that strayed may be brought back)."""
    now = now or clock_now()
    note = required_text(note, "Encaminhar: escreva uma observação para o outro departamento.")
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        require(actor, Action.ENCAMINHAR, discount_ticket=is_discount(ticket) or bool(discount))
        check_expected(
            cur, ticket, expected_status, discount=discount, expected_decision=expected_decision
        )
        dept = cat.get_item(cur, "department", department_id)
        if dept is None or not dept["active"]:
            raise DomainError("Encaminhar: escolha um departamento ativo.")
        if dept["id"] == ticket["department_id"]:
            raise DomainError(f"O atendimento já está no departamento {dept['name']}.")
        if (
            discount is not None
            and dept["name"] != FINANCE_DEPARTMENT
            and discount["decision"] in OPEN_DECISIONS
        ):
            raise DomainError(
                f"Pedidos de desconto ficam no {FINANCE_DEPARTMENT} enquanto a decisão está em "
                f"aberto (agora: {Decision(discount['decision']).label.lower()}). Para tirá-lo "
                "da fila do financeiro, reprove ou cancele o pedido."
            )
        move(
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


@retrying
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
    text = required_text(text, "Mensagem: escreva o texto da mensagem.")
    with store.transaction() as cur:
        ticket, _ = load_ticket(cur, ticket_id)
        move(
            cur,
            actor,
            now,
            ticket,
            Action.MENSAGEM,
            text,
            customer_visible=customer_visible,
        )
    return Done(ticket_id, "Mensagem adicionada ao atendimento.")


@retrying
def set_pending(
    store: Store,
    actor: User,
    ticket_id: int,
    note: str,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    """The ticket waits on someone (the customer, a part, a visit): Em progresso -> Pendente.
    Assuming it again takes it back to Em progresso."""
    now = now or clock_now()
    note = required_text(note, "Pendente: escreva o que o atendimento está aguardando.")
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        require(actor, Action.PENDENCIAR, discount_ticket=is_discount(ticket))
        check_expected(
            cur, ticket, expected_status, discount=discount, expected_decision=expected_decision
        )
        move(cur, actor, now, ticket, Action.PENDENCIAR, note)
    return Done(ticket_id, "Atendimento marcado como pendente.")


@retrying
def solve(
    store: Store,
    actor: User,
    ticket_id: int,
    note: str,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    """Solve a ticket of any subject but DESCONTO EM FATURA (those are solved by applying or
    rejecting the discount)."""
    now = now or clock_now()
    note = required_text(note, "Solucionar: descreva a solução.")
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        if discount is not None:
            raise DomainError(
                "Pedidos de desconto são solucionados ao marcar o desconto como aplicado ou ao reprová-lo."
            )
        require(actor, Action.SOLUCIONAR, discount_ticket=False)
        check_expected(cur, ticket, expected_status, expected_decision=expected_decision)
        move(cur, actor, now, ticket, Action.SOLUCIONAR, note)
    return Done(ticket_id, "Atendimento solucionado.")


@retrying
def cancel(
    store: Store,
    actor: User,
    ticket_id: int,
    reason: str,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    now = now or clock_now()
    reason = required_text(reason, "Cancelar: informe o motivo do cancelamento.")
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        require(actor, Action.CANCELAR, discount_ticket=is_discount(ticket))
        check_expected(
            cur, ticket, expected_status, discount=discount, expected_decision=expected_decision
        )
        decided = {}
        if discount is not None:
            decided = decide(
                cur,
                ticket,
                discount,
                Action.CANCELAR,
                {"decision_reason": reason, "decided_by": actor.id, "decided_at": now},
            )
        move(cur, actor, now, ticket, Action.CANCELAR, f"Cancelado. Motivo: {reason}", **decided)
    return Done(ticket_id, "Atendimento cancelado.")


def ticket_detail(
    store: Store, actor: User, ticket_id: int
) -> tuple[dict, dict | None, list[dict]]:
    """The ticket, its discount request (or None) and its history, newest first."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        return ticket, discount, tk.movements(cur, ticket_id)


def home_counts(store: Store, actor: User) -> dict[str, int]:
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return tk.counts(cur)
