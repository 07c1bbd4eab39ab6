"""The export of the whole filtered ticket list, as CSV or XLSX, capped at EXPORT_LIMIT rows
(pt-BR headers, money exact, times in São Paulo)."""

from __future__ import annotations

import io

import pandas as pd

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import METHODS
from lib.domain import (
    DECISION_LABELS,
    PRIORITY_LABELS,
    REASONS,
    STATUS_LABELS,
    TZ,
    Decision,
    DomainError,
    Status,
)
from lib.spreadsheet import neutralise_frame
from lib.store import Store
from lib.store import ticket_list as q
from lib.usecases.ticket_list import Filters

EXPORT_LIMIT = 200_000  # an XLSX of more rows takes minutes; narrow the filters instead

EXPORT_COLUMNS = {
    "id": "ID",
    "protocol": "Protocolo",
    "opened_at": "Abertura",
    "status": "Status",
    "priority": "Prioridade",
    "subject": "Assunto",
    "department": "Departamento",
    "customer": "Cliente",
    "cpf_cnpj": "CPF/CNPJ",
    "responsible": "Responsável",
    "assumed_at": "Assumido em",
    "closed_at": "Encerrado em",
    "opa_protocol": "Protocolo OPA",
    "reason": "Motivo",
    "occurred_on": "Data ocorrido",
    "method": "Método",
    "monthly_fee": "Mensalidade (R$)",
    "minutes": "Minutos",
    "computed_amount": "Valor calculado (R$)",
    "approved_amount": "Valor aprovado (R$)",
    "decision": "Decisão",
    "deadline": "Prazo",
    "invoice_due_date": "Vencimento da fatura",
    "applied_at": "Aplicado em",
}
_MONEY = ("monthly_fee", "computed_amount", "approved_amount")
_INSTANTS = ("opened_at", "assumed_at", "closed_at", "applied_at")
_DAYS = ("occurred_on", "deadline", "invoice_due_date")


def export_frame(store: Store, actor: User, filters: Filters) -> pd.DataFrame:
    """The whole filtered set (not only the page) with pt-BR headers and labels. Times are
    São Paulo wall-clock times without a zone (spreadsheets and xlsx refuse zones)."""
    require(actor, Perm.EXPORT)
    with store.read() as cur:
        total = q.count(cur, filters, filters.period())
        if total > EXPORT_LIMIT:
            raise DomainError(
                f"A exportação tem {fmt.number(total, 0)} atendimentos; o limite é "
                f"{fmt.number(EXPORT_LIMIT, 0)}. Restrinja os filtros (período, status ou "
                "departamento) e tente de novo."
            )
        found = q.export_rows(cur, filters, filters.period(), filters.sort, EXPORT_LIMIT)
    for r in found:
        r["status"] = STATUS_LABELS[Status(r["status"])]
        r["priority"] = PRIORITY_LABELS.get(r["priority"], r["priority"])
        r["reason"] = REASONS[r["reason"]].label if r["reason"] else None
        r["method"] = METHODS[r["method"]].label if r["method"] in METHODS else r["method"]
        r["decision"] = DECISION_LABELS[Decision(r["decision"])] if r["decision"] else None
        for k in _INSTANTS:
            if r[k] is not None:
                r[k] = r[k].astimezone(TZ).replace(tzinfo=None)
        for k in _MONEY:  # exact cents to a float a spreadsheet can sum
            r[k] = float(r[k]) if r[k] is not None else None
    frame = pd.DataFrame(found, columns=list(EXPORT_COLUMNS))
    for k in (*_INSTANTS, *_DAYS):
        frame[k] = pd.to_datetime(frame[k])
    for k in ("id", "minutes"):
        frame[k] = frame[k].astype("Int64")
    return frame.rename(columns=EXPORT_COLUMNS)


def export_csv(frame: pd.DataFrame) -> bytes:
    """CSV as a pt-BR Excel opens it: `;` between fields, decimal comma, dd/mm/aaaa, UTF-8 BOM.
    Text that a spreadsheet would run as a formula gets a leading quote (lib.spreadsheet)."""
    out = neutralise_frame(frame)
    for k in _INSTANTS:
        out[EXPORT_COLUMNS[k]] = out[EXPORT_COLUMNS[k]].dt.strftime("%d/%m/%Y %H:%M")
    for k in _DAYS:
        out[EXPORT_COLUMNS[k]] = out[EXPORT_COLUMNS[k]].dt.strftime("%d/%m/%Y")
    text = out.to_csv(index=False, sep=";", decimal=",", float_format="%.2f")
    return text.encode("utf-8-sig")


def export_xlsx(frame: pd.DataFrame) -> bytes:
    """XLSX with money and dates typed; every other cell is written as text (a value starting
    with `=` would otherwise become a live formula, and one like `#N/A` an error cell), after
    the same neutralisation as the CSV."""
    frame = neutralise_frame(frame)
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="openpyxl", datetime_format="DD/MM/YYYY HH:MM", date_format="DD/MM/YYYY"
    ) as writer:
        frame.to_excel(writer, index=False, sheet_name="Atendimentos")
        sheet = writer.sheets["Atendimentos"]
        days = {EXPORT_COLUMNS[k] for k in _DAYS}
        for i, name in enumerate(frame.columns, start=1):
            width = max(len(str(name)), 12)
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(width + 2, 40)
            number_format = (
                '"R$" #,##0.00' if name.endswith("(R$)") else "DD/MM/YYYY" if name in days else None
            )
            if number_format:
                for (c,) in sheet.iter_rows(min_col=i, max_col=i, min_row=2):
                    c.number_format = number_format
            if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
                for (c,) in sheet.iter_rows(min_col=i, max_col=i, min_row=2):
                    if c.value is not None:
                        c.value, c.data_type = str(c.value), "s"
    return buffer.getvalue()
