"""Finance's decisions on a discount request: approve (the computed value, or an adjusted one
with a reason; above the fee cap only a supervisor, above N fees only with an explicit
confirmation), reject, mark applied to an invoice (one, or each contract's next one in bulk)
and undo an application.

Every decision is bound to the state the screen showed: the ticket status and the decision.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import Rules, interruption_start
from lib.domain import (
    TZ,
    Action,
    Decision,
    DomainError,
    Status,
    decision_transition,
    next_due_date,
    ticket_transition,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.usecases.transitions import Done, decide, load_shown, move, required_text

INVOICE_NUMBER_MAX = 60


class NeedsConfirmation(DomainError):
    """The amount is above the confirmation threshold: approve again with confirm_large=True.
    `confirm_label` is what the confirmation says (the message asks for it by name)."""

    def __init__(self, message: str, amount: Decimal, confirm_label: str) -> None:
        super().__init__(message)
        self.amount = amount
        self.confirm_label = confirm_label


def _money(value: Any, label: str) -> Decimal | None:
    """An amount typed in pt-BR (`1.234,56`) or given as a Decimal, through fmt.parse_brl."""
    try:
        return fmt.parse_brl(value)
    except DomainError as exc:
        raise DomainError(f"{label}: {exc}") from exc


def _multiple(value: Decimal) -> str:
    return f"{fmt.number(value)} mensalidade{'s' if value != 1 else ''}"


@retrying
def approve(
    store: Store,
    actor: User,
    ticket_id: int,
    adjusted_amount: Decimal | str | None = None,
    adjustment_reason: str = "",
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
    confirm_large: bool = False,
) -> Done:
    """Approve the computed amount, or an adjusted one with a reason (empty text: the computed
    one). Zero is refused (that is a rejection). Above one monthly fee (times the setting) only
    a supervisor may approve; above `confirm_fee_multiple` fees anyone, a supervisor too, must
    also pass confirm_large=True (NeedsConfirmation otherwise)."""
    require(actor, Action.APROVAR)
    now = now or clock_now()
    typed = _money(adjusted_amount, "Valor ajustado")
    with store.transaction() as cur:
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        if discount is None:
            raise DomainError("Este atendimento não é um pedido de desconto.")
        if discount["decision"] == Decision.AGUARDANDO_RETORNO.value:
            raise DomainError(
                "Informe o retorno do sinal antes de aprovar: o valor ainda não foi calculado."
            )
        if ticket["status"] != Status.EM_PROGRESSO.value:
            raise DomainError("Assuma o atendimento antes de aprovar o desconto.")
        decision_transition(Action.APROVAR, Decision(discount["decision"]))
        computed = Decimal(discount["computed_amount"])
        amount = computed if typed is None else typed
        if amount == 0:
            raise DomainError(
                "Um desconto de R$ 0,00 não é uma aprovação: para negar o pedido, use "
                "Reprovar e informe o motivo."
            )
        reason = (adjustment_reason or "").strip()
        note = f"Desconto aprovado: {fmt.brl(amount)}."
        if amount != computed:
            if not reason:
                raise DomainError("Valor ajustado: informe o motivo do ajuste.")
            note = (
                f"Desconto aprovado com ajuste: {fmt.brl(amount)} "
                f"(calculado {fmt.brl(computed)}). Motivo: {reason}"
            )
        rules = Rules.from_settings(cat.settings(cur))
        fee = Decimal(discount["monthly_fee"])
        if amount > fee * rules.max_fee_multiple:
            require(actor, Perm.APPROVE_OVER_FEE)
            note += f" Acima de {_multiple(rules.max_fee_multiple)}: aprovado por supervisor."
        threshold = (fee * rules.confirm_fee_multiple).quantize(Decimal("0.01"))
        if amount > threshold:
            if not confirm_large:
                label = f"Confirmo o valor acima de {_multiple(rules.confirm_fee_multiple)}"
                raise NeedsConfirmation(
                    f"{fmt.brl(amount)} passa de {_multiple(rules.confirm_fee_multiple)} "
                    f"({fmt.brl(threshold)}; mensalidade de {fmt.brl(fee)}). Confira o valor e "
                    f"marque “{label}” para aprovar.",
                    amount,
                    label,
                )
            note += (
                f" Valor acima de {_multiple(rules.confirm_fee_multiple)} confirmado por "
                f"{actor.name}."
            )
        decided = decide(
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
        move(cur, actor, now, ticket, Action.APROVAR, note, **decided)
    return Done(ticket_id, f"Desconto de {fmt.brl(amount)} aprovado.")


@retrying
def reject(
    store: Store,
    actor: User,
    ticket_id: int,
    reason: str,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    require(actor, Action.REPROVAR)
    now = now or clock_now()
    reason = required_text(reason, "Reprovar: informe o motivo da reprovação.")
    with store.transaction() as cur:
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        decided = decide(
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
            **decided,
        )
    return Done(ticket_id, "Desconto reprovado; o atendimento foi solucionado.")


def _invoice_number(text: str | None) -> str | None:
    """The billing system's invoice number: free text on one line, optional."""
    number = " ".join((text or "").split())
    if len(number) > INVOICE_NUMBER_MAX:
        raise DomainError(
            f"Número da fatura: use no máximo {INVOICE_NUMBER_MAX} caracteres "
            f"(foram {len(number)})."
        )
    return number or None


def _check_due_date(discount: dict, due: date, rules: Rules, today: date) -> None:
    """The invoice is due on or after the interruption began, at most `invoice_max_age_days`
    ago and at most `invoice_max_ahead_days` ahead."""
    start = interruption_start(discount["opened_at"], discount["incident_started_at"])
    began = min(discount["occurred_on"], start.astimezone(TZ).date())
    if due < began:
        raise DomainError(
            f"Vencimento da fatura ({fmt.day(due)}) anterior à interrupção ({fmt.day(began)}): "
            "o desconto vai numa fatura que vence depois dela."
        )
    oldest = today - timedelta(days=rules.invoice_max_age_days)
    if due < oldest:
        raise DomainError(
            f"Vencimento da fatura ({fmt.day(due)}) há mais de {rules.invoice_max_age_days} "
            f"dias: confira a data (a mais antiga aceita é {fmt.day(oldest)})."
        )
    latest = today + timedelta(days=rules.invoice_max_ahead_days)
    if due > latest:
        raise DomainError(
            f"Vencimento da fatura ({fmt.day(due)}) a mais de {rules.invoice_max_ahead_days} "
            f"dias: confira a data (a mais distante aceita é {fmt.day(latest)})."
        )


def _apply(
    cur: Cursor,
    actor: User,
    now: datetime,
    ticket: dict,
    discount: dict | None,
    due: date,
    number: str | None,
) -> None:
    if discount is None:
        raise DomainError("Este atendimento não é um pedido de desconto.")
    # the state machine first: a date is only worth checking on an approved request
    decision_transition(Action.APLICAR, Decision(discount["decision"]))
    ticket_transition(Action.APLICAR, Status(ticket["status"]))
    _check_due_date(
        discount, due, Rules.from_settings(cat.settings(cur)), now.astimezone(TZ).date()
    )
    decided = decide(
        cur,
        ticket,
        discount,
        Action.APLICAR,
        {
            "invoice_due_date": due,
            "invoice_number": number,
            "applied_at": now,
            "applied_by": actor.id,
        },
    )
    invoice = f"na fatura nº {number}, com" if number else "na fatura com"
    move(
        cur,
        actor,
        now,
        ticket,
        Action.APLICAR,
        f"Desconto de {fmt.brl(discount['approved_amount'])} aplicado {invoice} "
        f"vencimento em {fmt.day(due)}.",
        **decided,
    )


@retrying
def mark_applied(
    store: Store,
    actor: User,
    ticket_id: int,
    invoice_due_date: date,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
    invoice_number: str | None = None,
) -> Done:
    """The approved discount went on the invoice due on `invoice_due_date` (and numbered
    `invoice_number` in the billing system, if given): solves the ticket."""
    require(actor, Action.APLICAR)
    now = now or clock_now()
    if invoice_due_date is None:
        raise DomainError("Informe o vencimento da fatura em que o desconto foi aplicado.")
    number = _invoice_number(invoice_number)
    with store.transaction() as cur:
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        _apply(cur, actor, now, ticket, discount, invoice_due_date, number)
    return Done(ticket_id, "Desconto marcado como aplicado; o atendimento foi solucionado.")


@retrying
def mark_applied_next_invoice(
    store: Store,
    actor: User,
    ticket_id: int,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    """Bulk "Marcar como aplicado": the discount went on the contract's next invoice, the one
    due on the contract's due day on or after today (the invoice DOMAIN.md says a discount
    goes on, and the date the single form suggests)."""
    require(actor, Action.APLICAR)
    now = now or clock_now()
    with store.transaction() as cur:
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        if not ticket.get("due_day"):
            raise DomainError(
                "O atendimento não tem contrato com dia de vencimento: marque-o como aplicado "
                "individualmente, informando o vencimento."
            )
        due = next_due_date(ticket["due_day"], now.astimezone(TZ).date())
        _apply(cur, actor, now, ticket, discount, due, None)
    return Done(ticket_id, f"Desconto aplicado na fatura com vencimento em {fmt.day(due)}.")


@retrying
def undo_applied(
    store: Store,
    actor: User,
    ticket_id: int,
    reason: str,
    expected_status: str | None = None,
    now: datetime | None = None,
    *,
    expected_decision: str | None = None,
) -> Done:
    """Undo "aplicado" (wrong request, or the billing system refused the credit): the decision
    returns to aprovado, the invoice fields are cleared (the history keeps them) and the ticket
    reopens Em progresso with the actor responsible, to apply it again or cancel it."""
    require(actor, Action.DESFAZER_APLICACAO)
    now = now or clock_now()
    reason = required_text(reason, "Desfazer aplicação: informe o motivo.")
    with store.transaction() as cur:
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        decided = decide(
            cur,
            ticket,
            discount,
            Action.DESFAZER_APLICACAO,
            {
                "invoice_due_date": None,
                "invoice_number": None,
                "applied_at": None,
                "applied_by": None,
            },
        )
        assert discount is not None  # decide() refuses a ticket without one
        number = f" nº {discount['invoice_number']}" if discount["invoice_number"] else ""
        move(
            cur,
            actor,
            now,
            ticket,
            Action.DESFAZER_APLICACAO,
            f"Aplicação desfeita (fatura{number} com vencimento em "
            f"{fmt.day(discount['invoice_due_date'])}, marcada por "
            f"{discount['applied_by_name'] or '—'} em {fmt.day_time(discount['applied_at'])}). "
            f"Motivo: {reason}",
            {"responsible_id": actor.id},
            **decided,
        )
    return Done(
        ticket_id,
        "Aplicação desfeita: o desconto voltou a aprovado e o atendimento foi reaberto.",
    )
