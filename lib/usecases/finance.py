"""Finance's decisions on a discount request: approve (the computed value, or an adjusted one
with a reason; above the fee cap only a supervisor), reject, and mark applied to an invoice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import (
    Rules,
)
from lib.domain import (
    Action,
    Decision,
    DomainError,
    Status,
)
from lib.domain import now as clock_now
from lib.store import Store
from lib.store import catalog as cat
from lib.usecases.transitions import Done, check_expected, decide, load_ticket, move, required_text


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
        ticket, discount = load_ticket(cur, ticket_id)
        check_expected(cur, ticket, expected_status)
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
        decide(
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
        move(cur, actor, now, ticket, Action.APROVAR, note)
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
    reason = required_text(reason, "Reprovar: informe o motivo da reprovação.")
    with store.transaction() as cur:
        ticket, discount = load_ticket(cur, ticket_id)
        check_expected(cur, ticket, expected_status)
        decide(
            cur,
            ticket,
            discount,
            Action.REPROVAR,
            {"decision_reason": reason, "decided_by": actor.id, "decided_at": now},
        )
        move(
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
        ticket, discount = load_ticket(cur, ticket_id)
        check_expected(cur, ticket, expected_status)
        decide(
            cur,
            ticket,
            discount,
            Action.APLICAR,
            {"invoice_due_date": invoice_due_date, "applied_at": now, "applied_by": actor.id},
        )
        assert discount is not None  # decide() refuses a ticket without one
        move(
            cur,
            actor,
            now,
            ticket,
            Action.APLICAR,
            f"Desconto de {fmt.brl(discount['approved_amount'])} aplicado na fatura com "
            f"vencimento em {fmt.day(invoice_due_date)}.",
        )
    return Done(ticket_id, "Desconto marcado como aplicado; o atendimento foi solucionado.")
