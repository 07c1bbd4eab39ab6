"""The ticket list every role uses to find a ticket, and finance's daily review.

Filters round-trip through the URL's query string, pages are keyset-paginated in the store
(never OFFSET, never the table in pandas), the status x department counts are aggregated in
SQL, and the export carries the whole filtered set. The actions themselves are the use-cases
of ticket_actions and finance; this module only says which of them a user may take on a
ticket and runs them in bulk.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from lib import fmt
from lib.auth import Perm, User, can, require
from lib.discount import METHODS, CalculationError, Rules, calculate_discount, interruption_start
from lib.domain import (
    ACTION_LABELS,
    ADDRESS_ORIGIN_LABELS,
    BEST_TIME_LABELS,
    DECISION_LABELS,
    DECISION_TRANSITIONS,
    DISCOUNT_SUBJECT,
    ORIGIN_LABELS,
    PENDING_INTERACTION_LABELS,
    PRIORITY_LABELS,
    REASONS,
    STATUS_LABELS,
    TICKET_TRANSITIONS,
    TZ,
    Action,
    Decision,
    DomainError,
    Status,
)
from lib.domain import now as clock_now
from lib.store import Store
from lib.store import catalog as cat
from lib.store import ticket_list as q
from lib.usecases import finance, ticket_actions

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000  # an XLSX of more rows takes minutes; narrow the filters instead
AMBER_DAYS = 15
SORT_LABELS = {"abertura": "Abertura (recentes)", "prazo": "Prazo (mais próximo)"}
OPEN_DECISIONS = frozenset({Decision.AGUARDANDO_RETORNO, Decision.PENDENTE, Decision.APROVADO})

# Query-string names (pt-BR, as staff will read them in a shared link).
_QS = {
    "status": "status",
    "departments": "depto",
    "subject": "assunto",
    "priority": "prioridade",
    "responsible": "resp",
    "reason": "motivo",
    "decision": "decisao",
    "date_from": "de",
    "date_to": "ate",
    "search": "busca",
    "sort": "ordem",
}


@dataclass(frozen=True)
class Filters:
    status: tuple[str, ...] = ()
    departments: tuple[int, ...] = ()
    subject: int | None = None
    priority: str | None = None
    responsible: int | None = None  # 0: tickets nobody has assumed
    reason: int | None = None
    decision: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""
    sort: str = "abertura"

    def to_query(self) -> dict[str, str | list[str]]:
        """Only what differs from the defaults; lists for the multi-valued filters."""
        out: dict[str, str | list[str]] = {}
        default = Filters()
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            name = _QS[f.name]
            if isinstance(value, tuple):
                out[name] = [str(v) for v in value]
            elif isinstance(value, date):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, str | Iterable[str]]) -> Filters:
        """Read a query string; values that make no sense are dropped, never an error."""

        def many(name: str) -> list[str]:
            raw = params.get(name)
            if raw is None:
                return []
            items = [raw] if isinstance(raw, str) else list(raw)
            return [s for item in items for s in str(item).split(",") if s.strip()]

        def single(name: str) -> str | None:
            values = many(name)
            return values[-1].strip() if values else None

        def integer(name: str) -> int | None:
            value = single(name)
            return int(value) if value is not None and value.isdigit() else None

        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(single(name) or "")
            except ValueError:
                return None

        status = tuple(dict.fromkeys(s for s in many("status") if s in Status._value2member_map_))
        departments = tuple(dict.fromkeys(int(s) for s in many("depto") if s.isdigit()))
        priority = single("prioridade")
        reason = integer("motivo")
        decision = single("decisao")
        sort = single("ordem")
        search = params.get("busca")
        search = (search if isinstance(search, str) else (list(search or []) or [""])[-1]) or ""
        return cls(
            status=status,
            departments=departments,
            subject=integer("assunto"),
            priority=priority if priority in PRIORITY_LABELS else None,
            responsible=integer("resp"),
            reason=reason if reason in REASONS else None,
            decision=decision if decision in Decision._value2member_map_ else None,
            date_from=day("de"),
            date_to=day("ate"),
            search=search.strip()[:100],
            sort=sort if sort in SORT_LABELS else "abertura",
        )

    def period(self) -> tuple[datetime | None, datetime | None]:
        """The São Paulo days from..to (inclusive) as [start, end) instants."""
        start = datetime.combine(self.date_from, time(0), TZ) if self.date_from else None
        end = (
            datetime.combine(self.date_to + timedelta(days=1), time(0), TZ)
            if self.date_to
            else None
        )
        return start, end

    def cell(self, status: str | None, department_id: int | None) -> Filters:
        """These filters narrowed to one cell of the count matrix (None: the whole row/column)."""
        return replace(
            self,
            status=(status,) if status else self.status,
            departments=(department_id,) if department_id else self.departments,
        )


# --- the page ---------------------------------------------------------------------------------

Key = tuple[Any, int]


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    total: int
    next_key: Key | None  # pass as `after` for the next page
    prev_key: Key | None  # pass as `before` for the previous page
    filters: Filters

    @property
    def ids(self) -> list[int]:
        return [r["id"] for r in self.rows]


def list_page(
    store: Store,
    actor: User,
    filters: Filters,
    *,
    after: Key | None = None,
    before: Key | None = None,
    page_size: int = PAGE_SIZE,
    with_total: bool = True,
) -> Page:
    """One page of the filtered list in the filters' sort order, by keyset: `after` is the last
    key of the page before, `before` the first key of the page after (going back)."""
    require(actor, Perm.READ_TICKETS)
    if after is not None and before is not None:
        raise ValueError("after and before are exclusive")
    period = filters.period()
    with store.read() as cur:
        found = q.page(
            cur, filters, period, filters.sort, after=after, before=before, limit=page_size
        )
        total = q.count(cur, filters, period) if with_total else -1
    more = len(found) > page_size
    if before is not None:
        found = found[-page_size:] if more else found
        has_prev, has_next = more, True
    else:
        found = found[:page_size]
        has_prev, has_next = after is not None, more
    keys = [(r["sort_key"], r["id"]) for r in found]
    return Page(
        rows=found,
        total=total,
        next_key=keys[-1] if has_next and keys else None,
        prev_key=keys[0] if has_prev and keys else None,
        filters=filters,
    )


@dataclass(frozen=True)
class Matrix:
    """Counts by status (columns) and department (rows) over the filtered set."""

    statuses: list[str]
    departments: list[tuple[int, str]]
    cells: dict[tuple[str, int], int] = field(default_factory=dict)

    def get(self, status: str, department_id: int) -> int:
        return self.cells.get((status, department_id), 0)

    def row_total(self, department_id: int) -> int:
        return sum(n for (_, d), n in self.cells.items() if d == department_id)

    def column_total(self, status: str) -> int:
        return sum(n for (s, _), n in self.cells.items() if s == status)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def status_matrix(store: Store, actor: User, filters: Filters) -> Matrix:
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return _matrix(cur, filters)


def browse(
    store: Store,
    actor: User,
    filters: Filters,
    *,
    after: Key | None = None,
    before: Key | None = None,
    page_size: int = PAGE_SIZE,
) -> tuple[Page, Matrix]:
    """What the page shows on each rerun: one page and the counts, whose sum is the total (one
    scan fewer than counting apart)."""
    require(actor, Perm.READ_TICKETS)
    criteria: Any = filters
    if filters.search:  # name the matching customers once for both queries
        with store.read() as cur:
            criteria = _Resolved(
                filters,
                q.matching_customers(cur, filters.search),
                q.opa_tickets(cur, filters.search),
            )
    matrix = status_matrix(store, actor, criteria)
    page = list_page(
        store, actor, criteria, after=after, before=before, page_size=page_size, with_total=False
    )
    return replace(page, total=matrix.total, filters=filters), matrix


class _Resolved:
    """Filters plus the customers and OPA tickets their search names (read by
    lib.store.ticket_list)."""

    def __init__(
        self, filters: Filters, customer_ids: list[int] | None, opa_ticket_ids: list[int]
    ) -> None:
        self._filters = filters
        self.customer_ids = customer_ids
        self.opa_ticket_ids = opa_ticket_ids

    def __getattr__(self, name: str) -> Any:
        return getattr(self._filters, name)


def _matrix(cur, filters: Filters) -> Matrix:
    found = q.status_department_counts(cur, filters, filters.period())
    names = {d["id"]: d["name"] for d in cat.list_items(cur, "department")}
    cells = {(r["status"], r["department_id"]): int(r["n"]) for r in found}
    present = sorted({d for _, d in cells}, key=lambda d: names.get(d, ""))
    return Matrix(
        statuses=[s.value for s in Status],
        departments=[(d, names.get(d, f"#{d}")) for d in present],
        cells=cells,
    )


@dataclass(frozen=True)
class Options:
    """What the filter widgets offer."""

    departments: dict[int, str]
    subjects: dict[int, str]
    responsibles: dict[int, str]


def filter_options(store: Store, actor: User) -> Options:
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return Options(
            departments={d["id"]: d["name"] for d in cat.list_items(cur, "department")},
            subjects={s["id"]: s["name"] for s in cat.list_items(cur, "subject")},
            responsibles={0: "Sem responsável"} | {s["id"]: s["name"] for s in q.responsibles(cur)},
        )


# --- what the table shows ---------------------------------------------------------------------


def deadline_state(discount_decision: str | None, deadline: date | None, today: date) -> str:
    """'vencido' past the deadline, 'perto' within AMBER_DAYS of it, '' otherwise; only for
    requests still open (waiting, pending or approved but not applied)."""
    if deadline is None or discount_decision not in OPEN_DECISIONS:
        return ""
    if today > deadline:
        return "vencido"
    if (deadline - today).days <= AMBER_DAYS:
        return "perto"
    return ""


TABLE_COLUMNS = [
    "Protocolo",
    "Abertura",
    "Status",
    "Prazo",
    "Valor",
    "Decisão",
    "Assunto",
    "Departamento",
    "Cliente",
    "Responsável",
    "Prioridade",
]


def table_rows(page: Page, now: datetime | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The page as the table shows it (pt-BR text) and each row's deadline state."""
    today = (now or clock_now()).astimezone(TZ).date()
    out, states = [], []
    for r in page.rows:
        amount = r["approved_amount"] if r["approved_amount"] is not None else r["computed_amount"]
        out.append(
            {
                "Protocolo": r["protocol"],
                "Abertura": fmt.day_time(r["opened_at"]),
                "Status": [STATUS_LABELS[Status(r["status"])]],
                "Assunto": r["subject"],
                "Departamento": r["department"],
                "Cliente": r["customer"] or "",
                "Responsável": r["responsible"] or "",
                "Prioridade": PRIORITY_LABELS.get(r["priority"], r["priority"]),
                "Decisão": DECISION_LABELS[Decision(r["decision"])] if r["decision"] else "",
                "Valor": fmt.brl(amount),
                "Prazo": fmt.day(r["deadline"]),
            }
        )
        states.append(deadline_state(r["decision"], r["deadline"], today))
    return pd.DataFrame(out, columns=TABLE_COLUMNS), states


# --- detail and actions -----------------------------------------------------------------------

SHOWN_ACTIONS = (
    Action.ASSUMIR,
    Action.ENCAMINHAR,
    Action.MENSAGEM,
    Action.RETORNO_SINAL,
    Action.APROVAR,
    Action.REPROVAR,
    Action.APLICAR,
    Action.PENDENCIAR,
    Action.SOLUCIONAR,
    Action.CANCELAR,
)
DISCOUNT_ONLY = {Action.RETORNO_SINAL, Action.APROVAR, Action.REPROVAR, Action.APLICAR}
# Discount tickets are solved by applying or rejecting the discount, never by hand.
NOT_FOR_DISCOUNT = {Action.SOLUCIONAR}


def available_actions(user: User, ticket: dict, discount: dict | None) -> list[Action]:
    """The actions this user's role may take on this ticket in its current state."""
    is_discount = ticket.get("subject") == DISCOUNT_SUBJECT
    status = Status(ticket["status"])
    out = []
    for action in SHOWN_ACTIONS:
        if not can(user, action, discount_ticket=is_discount):
            continue
        allowed, _ = TICKET_TRANSITIONS[action]
        if status not in allowed:
            continue
        if action in DISCOUNT_ONLY and discount is None:
            continue
        if action in NOT_FOR_DISCOUNT and discount is not None:
            continue
        if discount is not None and action in DECISION_TRANSITIONS:
            if Decision(discount["decision"]) not in DECISION_TRANSITIONS[action][0]:
                continue
        out.append(action)
    return out


def ticket_fields(ticket: dict) -> list[tuple[str, str]]:
    """Every field of the ticket, labelled as IXC labels them, as pt-BR text."""

    def who_when(at: datetime | None, name: str | None = None) -> str:
        if at is None:
            return "—"
        return fmt.day_time(at) + (f" por {name}" if name else "")

    lat, lon = ticket["latitude"], ticket["longitude"]
    contract = (
        f"{ticket['contract_id']} — {ticket['plan']} ({fmt.brl(ticket['contract_fee'])}, "
        f"vence dia {ticket['due_day']})"
        if ticket["contract_id"]
        else "—"
    )
    return [
        ("ID", str(ticket["id"])),
        ("Protocolo", ticket["protocol"]),
        ("Status", STATUS_LABELS[Status(ticket["status"])]),
        ("Status complementar", ticket["complementary_status"] or "—"),
        (
            "Cliente",
            f"{ticket['customer']} ({fmt.document(ticket['cpf_cnpj'])})"
            if ticket["customer"]
            else "—",
        ),
        ("Login", ticket["login"] or "—"),
        ("Contrato", contract),
        ("Assunto", ticket["subject"]),
        ("Descrição do assunto", ticket["subject_description"] or "—"),
        ("Departamento", ticket["department"]),
        ("Responsável", ticket["responsible"] or "—"),
        ("Prioridade", PRIORITY_LABELS.get(ticket["priority"], ticket["priority"])),
        ("Origem do endereço", ADDRESS_ORIGIN_LABELS.get(ticket["address_origin"], "—")),
        ("Endereço", ticket["address"] or "—"),
        (
            "Latitude / Longitude",
            f"{fmt.number(lat, 6)} / {fmt.number(lon, 6)}"
            if lat is not None and lon is not None
            else "—",
        ),
        ("Processo", ticket["process"] or "—"),
        ("Data reservada", fmt.day(ticket["reserved_date"]) or "—"),
        ("Melhor horário", BEST_TIME_LABELS.get(ticket["best_time"], "—")),
        ("Origem", ORIGIN_LABELS.get(ticket["origin"], ticket["origin"])),
        ("Resposta padrão", ticket["canned_response"] or "—"),
        ("Interação pendente", PENDING_INTERACTION_LABELS.get(ticket["pending_interaction"], "—")),
        ("Aberto em", who_when(ticket["opened_at"], ticket["opened_by_name"])),
        ("Assumido em", who_when(ticket["assumed_at"])),
        ("Encerrado em", who_when(ticket["closed_at"])),
        ("Atualizado em", who_when(ticket["updated_at"])),
    ]


def history_rows(history: list[dict]) -> pd.DataFrame:
    """The movements, newest first: who, when, from -> to, note."""

    def label(code: str | None) -> str:
        return STATUS_LABELS[Status(code)] if code else "—"

    out = []
    for m in history:
        change = f"{label(m['from_status'])} → {label(m['to_status'])}"
        if m["to_department"]:
            change += f" ({m['from_department']} → {m['to_department']})"
        out.append(
            {
                "Quando": fmt.day_time(m["created_at"]),
                "Quem": m["staff"] or "—",
                "Ação": ACTION_LABELS.get(m["kind"], m["kind"]),
                "De → Para": change,
                "Observação": m["note"],
            }
        )
    return pd.DataFrame(out, columns=["Quando", "Quem", "Ação", "De → Para", "Observação"])


def discount_view(store: Store, discount: dict) -> dict[str, str]:
    """The discount block: inputs, method, formula, amounts and invoice, as pt-BR text."""
    with store.read() as cur:
        rules = Rules.from_settings(cat.settings(cur))
    start = interruption_start(discount["opened_at"], discount["incident_started_at"])
    end = discount["signal_returned_at"]
    formula = "Aguardando o retorno do sinal para calcular."
    if end is not None:
        try:
            formula = calculate_discount(
                Decimal(discount["monthly_fee"]),
                start,
                end,
                discount["method"],
                min_minutes=rules.min_minutes,
            ).formula
        except CalculationError as exc:
            formula = str(exc)
    method = METHODS.get(discount["method"])
    return {
        "Motivo": f"{discount['reason']} — {REASONS[discount['reason']].label}",
        "Descrição": discount["description"] or "—",
        "Data ocorrido": fmt.day(discount["occurred_on"]),
        "Abertura do chamado": fmt.day_time(discount["opened_at"]),
        "Início do incidente": fmt.day_time(discount["incident_started_at"]) or "—",
        "Retorno do sinal": fmt.day_time(end) or "ainda não retornou",
        "Duração": fmt.duration(discount["minutes"]) or "—",
        "Mensalidade": fmt.brl(discount["monthly_fee"]),
        "Método": method.label if method else discount["method"],
        "Fórmula": formula,
        "Valor calculado": fmt.brl(discount["computed_amount"]) or "—",
        "Valor aprovado": fmt.brl(discount["approved_amount"]) or "—",
        "Motivo do ajuste": discount["adjustment_reason"] or "—",
        "Decisão": DECISION_LABELS[Decision(discount["decision"])],
        "Motivo da decisão": discount["decision_reason"] or "—",
        "Decidido por": (
            f"{discount['decided_by_name']} em {fmt.day_time(discount['decided_at'])}"
            if discount["decided_by_name"]
            else "—"
        ),
        "Fatura (vencimento)": fmt.day(discount["invoice_due_date"]) or "—",
        "Aplicado por": (
            f"{discount['applied_by_name']} em {fmt.day_time(discount['applied_at'])}"
            if discount["applied_by_name"]
            else "—"
        ),
        "Protocolo OPA": discount["opa_protocol"],
        "Prazo (90 dias)": fmt.day(discount["deadline"]),
    }


@dataclass(frozen=True)
class Outcome:
    ticket_id: int
    protocol: str
    ok: bool
    message: str


BULK_ACTIONS = (Action.ASSUMIR, Action.APROVAR)


def run_bulk(
    store: Store,
    actor: User,
    action: Action,
    items: list[tuple[int, str, str]],
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Assume or approve (the computed amount) each (ticket id, protocol, status shown) in turn,
    each one its own use-case call with the status the screen showed; collect what was done
    and what was refused, and why."""
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    out = []
    for i, (ticket_id, protocol, shown_status) in enumerate(items, start=1):
        try:
            if action == Action.ASSUMIR:
                done = ticket_actions.assume(store, actor, ticket_id, expected_status=shown_status)
            else:
                done = finance.approve(store, actor, ticket_id, expected_status=shown_status)
            out.append(Outcome(ticket_id, protocol, True, done.message))
        except DomainError as exc:
            out.append(Outcome(ticket_id, protocol, False, str(exc)))
        if on_progress:
            on_progress(i, len(items))
    return out


def bulk_summary(action: Action, outcomes: list[Outcome]) -> str:
    ok = sum(o.ok for o in outcomes)
    refused = len(outcomes) - ok
    verb = {Action.ASSUMIR: "assumido", Action.APROVAR: "aprovado"}[action]
    return (
        f"{ACTION_LABELS[action]} em lote: {ok} {verb}{'s' if ok != 1 else ''}, "
        f"{refused} recusado{'s' if refused != 1 else ''}."
    )


# --- export -----------------------------------------------------------------------------------

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
    """CSV as a pt-BR Excel opens it: `;` between fields, decimal comma, dd/mm/aaaa, UTF-8 BOM."""
    out = frame.copy()
    for k in _INSTANTS:
        out[EXPORT_COLUMNS[k]] = out[EXPORT_COLUMNS[k]].dt.strftime("%d/%m/%Y %H:%M")
    for k in _DAYS:
        out[EXPORT_COLUMNS[k]] = out[EXPORT_COLUMNS[k]].dt.strftime("%d/%m/%Y")
    text = out.to_csv(index=False, sep=";", decimal=",", float_format="%.2f")
    return text.encode("utf-8-sig")


def export_xlsx(frame: pd.DataFrame) -> bytes:
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
    return buffer.getvalue()
