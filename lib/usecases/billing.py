"""Approved discounts out to billing, and back (issue 14, items 4 and 5).

* A batch takes the approved discounts not yet sent whose target invoice (the contract's next
  due date, as the discount form shows it) falls in a billing period. Each discount goes into
  one batch only: `billing_pending`'s primary key refuses a second claim, so two batches made at
  once (a double click, a second tab) cannot share a discount; the transaction that loses the
  race is refused whole, and a repeated click with the same idempotency key returns the batch
  already made. Each discount gets a movement "enviado ao faturamento" naming the batch.
* The batch is exported as IXC's "Descontos adicionais" sheet (contract id, date, quantity 1,
  unit value, description with the protocol and the period), again whenever needed.
* Closing: billing's answer for each discount, in one step: applied (the invoice's due date and
  number, typed or matched from IXC's receivables listing `fn_areceber`), through the same
  rules as the single "Marcar como aplicado"; or refused, with the reason, which puts the
  discount back in finance's queue (still approved, no longer out in billing). The batch
  closes when nothing is left without an answer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import interruption_start
from lib.domain import (
    BILLING_REFUSED_KIND,
    BILLING_SENT_KIND,
    TZ,
    Decision,
    DomainError,
    NotFound,
    StaleState,
    Status,
    next_due_date,
)
from lib.domain import now as clock_now
from lib.ixc_files import read_table
from lib.spreadsheet import neutralise_frame
from lib.store import Cursor, Store, retrying
from lib.store import billing as bs
from lib.store import tickets as tk
from lib.usecases.finance import _apply, _invoice_number
from lib.usecases.transitions import load_ticket

SENT_KIND = BILLING_SENT_KIND
REFUSED_KIND = BILLING_REFUSED_KIND
# IXC's "Descontos adicionais" columns, in its order
EXPORT_COLUMNS = ("id_contrato", "data", "quantidade", "valor_unitario", "descricao")
MAX_PERIOD_DAYS = 93


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    protocol: str
    customer: str
    contract_ref: str
    target_due_date: date
    amount: Decimal
    computed: Decimal
    description: str
    last_refusal: str | None


@dataclass(frozen=True)
class BatchDone:
    batch_id: int
    count: int
    total: Decimal
    skipped: int = 0  # discounts the screen showed that were no longer available
    existing: bool = False  # the same request (idempotency key) had made it already

    @property
    def message(self) -> str:
        if self.existing:
            return f"Lote nº {self.batch_id} já criado por este mesmo pedido."
        text = (
            f"Lote nº {self.batch_id} criado: {self.count} desconto"
            f"{'s' if self.count != 1 else ''}, {fmt.brl(self.total)}, marcados como enviados "
            "ao faturamento."
        )
        if self.skipped:
            text += (
                f" {self.skipped} da lista já não estava{'m' if self.skipped != 1 else ''} "
                "disponíve" + ("is" if self.skipped != 1 else "l") + " (enviado em outro lote "
                "ou mudou de situação)."
            )
        return text


def _period(start: date, end: date) -> None:
    if start is None or end is None:
        raise DomainError("Informe o início e o fim do período de faturamento.")
    if end < start:
        raise DomainError("O fim do período de faturamento é anterior ao início.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError(
            f"Período de faturamento com mais de {MAX_PERIOD_DAYS} dias: use um período por ciclo."
        )


def _description(row: dict) -> str:
    start = interruption_start(row["opened_at"], row["incident_started_at"])
    period = f"{fmt.day_time(start)} a {fmt.day_time(row['signal_returned_at'])}"
    return f"Desconto em fatura - protocolo {row['protocol']} - interrupção de {period}"


def _candidate(row: dict, due: date) -> Candidate:
    return Candidate(
        ticket_id=row["ticket_id"],
        protocol=row["protocol"],
        customer=row["customer"] or "",
        contract_ref=str(row["contract_ixc_id"] or row["contract_id"]),
        target_due_date=due,
        amount=Decimal(row["approved_amount"]),
        computed=Decimal(row["computed_amount"] or 0),
        description=_description(row),
        last_refusal=row["last_refusal"],
    )


def due_days(start: date, end: date, today: date) -> dict[int, date]:
    """The contracts' due days whose next invoice (from `today`) falls in [start, end], with
    that invoice's date: the period's filter, given to SQL as a short list of days."""
    found = {day: next_due_date(day, today) for day in range(1, 32)}
    return {day: due for day, due in found.items() if start <= due <= end}


def _candidates(
    cur: Cursor, start: date, end: date, today: date, ticket_ids: list[int] | None = None
) -> list[Candidate]:
    days = due_days(start, end, today)
    if not days:
        return []
    return [
        _candidate(row, days[row["due_day"]])
        for row in bs.approved_not_sent(cur, list(days), ticket_ids)
    ]


def candidates(
    store: Store, actor: User, start: date, end: date, now: datetime | None = None
) -> list[Candidate]:
    """Approved discounts, not sent yet, whose next invoice is due within [start, end]."""
    require(actor, Perm.BILLING)
    _period(start, end)
    today = (now or clock_now()).astimezone(TZ).date()
    with store.read() as cur:
        return _candidates(cur, start, end, today)


# what the Faturamento page shows of a period, in this order
STATE_LABELS = {
    "a_enviar": "Aprovados, a enviar",
    "enviado": "No faturamento, sem resposta",
    "aplicado": "Aplicados",
    "recusado": "Recusados pelo faturamento",
}
PAGE_SIZES = (50, 100, 200)


@dataclass(frozen=True)
class StateTotal:
    state: str  # a key of STATE_LABELS
    count: int
    amount: Decimal

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class DueTotal:
    """The candidates of one invoice due date."""

    due_date: date
    count: int
    approved: Decimal
    computed: Decimal
    refused_before: int  # sent before and refused by billing, back in the queue


@dataclass(frozen=True)
class PeriodView:
    """A period's summary (computed in SQL) and one page of its candidates."""

    states: list[StateTotal]
    by_due: list[DueTotal]
    rows: list[Candidate]
    page: int  # 1-based, within 1..pages
    pages: int
    page_size: int

    @property
    def total(self) -> int:
        """How many candidates the period has (on every page)."""
        return sum(d.count for d in self.by_due)

    @property
    def first(self) -> int:
        """The position of this page's first row in the whole list (1-based)."""
        return (self.page - 1) * self.page_size + 1


def period_view(
    store: Store,
    actor: User,
    start: date,
    end: date,
    page: int = 1,
    page_size: int = PAGE_SIZES[0],
    now: datetime | None = None,
) -> PeriodView:
    """What the Faturamento page shows for [start, end], in one read transaction: per state
    (to send, out in billing, applied, refused) how many discounts and how much, the
    candidates per invoice due date, and page `page` of the candidates in the batch's order
    (oldest decision first), `page_size` rows (at most the largest of PAGE_SIZES). A page
    past the end shows the last one."""
    require(actor, Perm.BILLING)
    _period(start, end)
    if not 1 <= page_size <= max(PAGE_SIZES):
        raise DomainError(f"Linhas por página: de 1 a {max(PAGE_SIZES)}.")
    today = (now or clock_now()).astimezone(TZ).date()
    days = due_days(start, end, today)
    page = max(1, int(page))
    with store.transaction() as cur:  # one snapshot: the summary, the page and its rows
        found = bs.candidate_view(cur, list(days), page_size, (page - 1) * page_size)
        by_due = sorted(
            (
                DueTotal(
                    days[r["due_day"]],
                    int(r["n"]),
                    Decimal(r["approved"]),
                    Decimal(r["computed"]),
                    int(r["refused_before"]),
                )
                for r in found["summary"]
            ),
            key=lambda d: d.due_date,
        )
        total = sum(d.count for d in by_due)
        pages = max(1, -(-total // page_size))
        if page > pages:  # the list shrank since the screen asked: its last page
            page = pages
            found = bs.candidate_view(cur, list(days), page_size, (page - 1) * page_size)
        listed = bs.candidate_page(cur, found["page"])
        sent = {r["outcome"]: r for r in bs.outcome_summary(cur, start, end)}
    states = [
        StateTotal("a_enviar", total, sum((d.approved for d in by_due), start=Decimal("0.00"))),
        *(
            StateTotal(
                key,
                int(sent[key]["n"]) if key in sent else 0,
                Decimal(sent[key]["amount"]) if key in sent else Decimal("0.00"),
            )
            for key in ("enviado", "aplicado", "recusado")
        ),
    ]
    rows = [_candidate(r, days[r["due_day"]]) for r in listed]
    return PeriodView(states, by_due, rows, page, pages, page_size)


@retrying
def create_batch(
    store: Store,
    actor: User,
    start: date,
    end: date,
    ticket_ids: list[int] | None = None,
    *,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> BatchDone:
    """A batch of the candidates of [start, end] (only those in `ticket_ids`, when given: the
    ones the screen showed), each marked as sent to billing, in one transaction."""
    require(actor, Perm.BILLING)
    _period(start, end)
    now = now or clock_now()
    with store.transaction() as cur:
        if idempotency_key and (found := bs.batch_by_key(cur, idempotency_key)) is not None:
            return BatchDone(found, 0, Decimal("0.00"), existing=True)
        chosen = _candidates(cur, start, end, now.astimezone(TZ).date(), ticket_ids)
        skipped = 0
        if ticket_ids is not None:  # only those, read by id: the rest of the period is not read
            skipped = len(set(ticket_ids) - {c.ticket_id for c in chosen})
        if not chosen:
            raise DomainError(
                "Nenhum desconto aprovado e ainda não enviado tem fatura com vencimento neste "
                "período" + (" (os da lista já foram enviados ou mudaram)." if skipped else ".")
            )
        batch_id = bs.insert_batch(
            cur, start=start, end=end, at=now, by=actor.id, key=idempotency_key or None
        )
        for c in chosen:
            if not bs.claim(cur, c.ticket_id, batch_id):
                raise StaleState(
                    f"O desconto do protocolo {c.protocol} acabou de ser enviado em outro lote. "
                    "Recarregue e tente de novo."
                )
            bs.insert_item(
                cur,
                {
                    "batch_id": batch_id,
                    "ticket_id": c.ticket_id,
                    "contract_ref": c.contract_ref,
                    "target_due_date": c.target_due_date,
                    "amount": c.amount,
                    "description": c.description,
                },
            )
            # a candidate's ticket is in progress: the query that chose it, in this
            # transaction, says so (no per-row reload of the whole ticket)
            tk.insert_movement(
                cur,
                ticket_id=c.ticket_id,
                at=now,
                staff_id=actor.id,
                kind=SENT_KIND,
                from_status=Status.EM_PROGRESSO.value,
                to_status=Status.EM_PROGRESSO.value,
                from_decision=Decision.APROVADO.value,
                to_decision=Decision.APROVADO.value,
                note=(
                    f"Enviado ao faturamento no lote nº {batch_id}: {fmt.brl(c.amount)} na "
                    f"fatura com vencimento em {fmt.day(c.target_due_date)} (contrato "
                    f"{c.contract_ref})."
                ),
            )
    total = sum((c.amount for c in chosen), Decimal("0.00"))
    return BatchDone(batch_id, len(chosen), total, skipped)


# --- reading and exporting -------------------------------------------------------------------


def pending_batch(store: Store, actor: User, ticket_id: int) -> int | None:
    """The batch a discount is out in billing with (for the ticket detail), or None."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return bs.pending_batch(cur, ticket_id)


def batches(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.BILLING)
    with store.read() as cur:
        return bs.batches(cur)


@dataclass
class Batch:
    batch: dict
    items: list[dict] = field(default_factory=list)


def batch(store: Store, actor: User, batch_id: int) -> Batch:
    require(actor, Perm.BILLING)
    with store.read() as cur:
        found = bs.get_batch(cur, batch_id)
        if found is None:
            raise NotFound(f"Lote nº {batch_id} não encontrado.")
        return Batch(found, bs.items(cur, batch_id))


def export_frame(found: Batch) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id_contrato": i["contract_ref"],
                "data": i["target_due_date"],
                "quantidade": 1,
                "valor_unitario": float(i["amount"]),
                "descricao": i["description"],
            }
            for i in found.items
        ],
        columns=list(EXPORT_COLUMNS),
    )


def export_batch(store: Store, actor: User, batch_id: int, kind: str = "csv") -> bytes:
    """The batch as IXC's "Descontos adicionais" sheet: CSV (`;`, decimal comma, dd/mm/aaaa,
    UTF-8 with BOM) or XLSX (typed date and value, text cells as text). Formula-like text is
    neutralised (lib.spreadsheet)."""
    frame = neutralise_frame(export_frame(batch(store, actor, batch_id)))
    if kind == "csv":
        frame["data"] = pd.to_datetime(frame["data"]).dt.strftime("%d/%m/%Y")
        text = frame.to_csv(index=False, sep=";", decimal=",", float_format="%.2f")
        return text.encode("utf-8-sig")
    buffer = io.BytesIO()
    frame["data"] = pd.to_datetime(frame["data"])
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="DD/MM/YYYY") as writer:
        frame.to_excel(writer, index=False, sheet_name=f"Lote {batch_id}")
        sheet = writer.sheets[f"Lote {batch_id}"]
        for row in sheet.iter_rows(min_row=2):
            row[1].number_format = "DD/MM/YYYY"
            row[3].number_format = "0.00"
            for c in (row[0], row[4]):
                if c.value is not None:
                    c.value, c.data_type = str(c.value), "s"
    return buffer.getvalue()


# --- closing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    due_date: date
    invoice_number: str | None = None


@dataclass(frozen=True)
class CloseDone:
    applied: int
    refused: int
    left: int
    closed: bool

    @property
    def message(self) -> str:
        text = f"{self.applied} aplicado(s), {self.refused} recusado(s) pelo faturamento."
        if self.closed:
            return text + " Lote fechado."
        return text + f" {self.left} ainda sem resposta do faturamento."


@retrying
def close_batch(
    store: Store,
    actor: User,
    batch_id: int,
    applied: dict[int, Applied],
    refused: dict[int, str] | None = None,
    now: datetime | None = None,
) -> CloseDone:
    """Billing's answer for the batch's discounts, in one transaction: `applied` (ticket id:
    the invoice) and `refused` (ticket id: reason). An item already answered is refused as a
    stale screen; any refusal of the rules (an invoice due date out of range, a discount
    cancelled meanwhile) refuses the whole step, naming the protocol."""
    require(actor, Perm.BILLING)
    now = now or clock_now()
    refused = {k: (v or "").strip() for k, v in (refused or {}).items()}
    if not applied and not refused:
        raise DomainError("Informe a fatura de pelo menos um desconto, ou a recusa do faturamento.")
    if both := set(applied) & set(refused):
        raise DomainError(
            f"Um desconto não pode ser aplicado e recusado ao mesmo tempo ({len(both)})."
        )
    if any(not reason for reason in refused.values()):
        raise DomainError("Recusado pelo faturamento: informe o motivo de cada recusa.")
    with store.transaction() as cur:
        found = bs.get_batch(cur, batch_id)
        if found is None:
            raise NotFound(f"Lote nº {batch_id} não encontrado.")
        items = {i["ticket_id"]: i for i in bs.items(cur, batch_id)}
        for ticket_id in (*applied, *refused):
            item = items.get(ticket_id)
            if item is None:
                raise DomainError(f"O atendimento #{ticket_id} não está no lote nº {batch_id}.")
            if item["outcome"] != "enviado":
                raise StaleState(
                    f"O desconto do protocolo {item['protocol']} já foi marcado como "
                    f"{item['outcome']} neste lote. Recarregue o lote."
                )
        for ticket_id, invoice in applied.items():
            item = items[ticket_id]
            number = _invoice_number(invoice.invoice_number)
            ticket, discount = load_ticket(cur, ticket_id)
            if discount is not None and discount["decision"] == Decision.APLICADO.value:
                # marked applied on its own ticket meanwhile: the batch records that invoice
                invoice = Applied(discount["invoice_due_date"], discount["invoice_number"])
                number = invoice.invoice_number
            else:
                try:
                    _apply(cur, actor, now, ticket, discount, invoice.due_date, number)
                except DomainError as exc:
                    raise type(exc)(f"Protocolo {item['protocol']}: {exc}") from exc
            if not bs.set_outcome(
                cur,
                batch_id,
                ticket_id,
                {
                    "outcome": "aplicado",
                    "invoice_number": number,
                    "invoice_due_date": invoice.due_date,
                    "outcome_at": now,
                    "outcome_by": actor.id,
                },
            ):
                raise StaleState("O lote mudou enquanto você olhava. Recarregue o lote.")
            bs.release(cur, ticket_id, batch_id)
        for ticket_id, reason in refused.items():
            item = items[ticket_id]
            if not bs.set_outcome(
                cur,
                batch_id,
                ticket_id,
                {
                    "outcome": "recusado",
                    "outcome_reason": reason,
                    "outcome_at": now,
                    "outcome_by": actor.id,
                },
            ):
                raise StaleState("O lote mudou enquanto você olhava. Recarregue o lote.")
            bs.release(cur, ticket_id, batch_id)
            # status and decision as bs.items read them in this transaction (a refusal changes
            # neither, and nothing above touched a refused ticket)
            tk.insert_movement(
                cur,
                ticket_id=ticket_id,
                at=now,
                staff_id=actor.id,
                kind=REFUSED_KIND,
                from_status=item["status"],
                to_status=item["status"],
                from_decision=item["decision"],
                to_decision=item["decision"],
                note=(
                    f"Recusado pelo faturamento (lote nº {batch_id}): {reason}. O desconto "
                    "voltou para a fila do financeiro."
                ),
            )
        left = (
            sum(1 for i in items.values() if i["outcome"] == "enviado")
            - len(applied)
            - len(refused)
        )
        closed = bs.close_if_done(cur, batch_id, now, actor.id)
    return CloseDone(len(applied), len(refused), left, closed)


@dataclass
class InvoiceMatch:
    found: dict[int, Applied]
    missing: list[str]  # protocols with no invoice in the listing


def match_invoices(
    store: Store, actor: User, batch_id: int, data: bytes, file_name: str
) -> InvoiceMatch:
    """Invoices for the batch's open items from IXC's receivables listing (`fn_areceber`: `id`,
    `id_contrato`, `data_vencimento`; `nn_boleto`/`documento` when present): the invoice of the
    item's contract due on its target date, or else the only one of that contract within the
    batch's period."""
    require(actor, Perm.BILLING)
    table = read_table(data, file_name)
    missing_cols = [c for c in ("id", "id_contrato", "data_vencimento") if c not in table.headers]
    if missing_cols:
        raise DomainError(
            f"{file_name}: faltam as colunas {', '.join(missing_cols)} da listagem de contas a "
            "receber do IXC (fn_areceber)."
        )
    found = batch(store, actor, batch_id)
    by_contract: dict[str, list[tuple[date, str]]] = {}
    for row in table.rows:
        try:
            due = _parse_day(row["data_vencimento"])
        except DomainError:
            continue
        number = row.get("documento") or row.get("nn_boleto") or row["id"]
        by_contract.setdefault(row["id_contrato"].strip(), []).append((due, number.strip()))
    start, end = found.batch["period_start"], found.batch["period_end"]
    result: dict[int, Applied] = {}
    missing = []
    for item in found.items:
        if item["outcome"] != "enviado":
            continue
        invoices = by_contract.get(item["contract_ref"], [])
        exact = [i for i in invoices if i[0] == item["target_due_date"]]
        within = [i for i in invoices if start <= i[0] <= end]
        pick = exact[:1] or (within if len(within) == 1 else [])
        if pick:
            result[item["ticket_id"]] = Applied(pick[0][0], pick[0][1])
        else:
            missing.append(item["protocol"])
    return InvoiceMatch(result, missing)


def _parse_day(text: str) -> date:
    value = text.strip()[:10]
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise DomainError(f"data {text!r} inválida.")
