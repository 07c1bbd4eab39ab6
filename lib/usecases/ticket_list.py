"""The ticket list every role uses to find a ticket, and finance's daily review.

Filters round-trip through the URL's query string, pages are keyset-paginated in the store
(never OFFSET, never the table in pandas), and the status x department counts are aggregated
in SQL. What the detail panel shows is ticket_view; running actions on a selection is
bulk_actions; the export of the whole filtered set is ticket_export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

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
from lib.domain import now as clock_now
from lib.store import Store
from lib.store import catalog as cat
from lib.store import ticket_list as q

PAGE_SIZE = 50
AMBER_DAYS = q.DEADLINE_NEAR_DAYS  # the row's "perto" mark = the "em risco" filter
SORT_LABELS = {"abertura": "Abertura (recentes)", "prazo": "Prazo (mais próximo)"}
OPEN_DECISIONS = frozenset({Decision.AGUARDANDO_RETORNO, Decision.PENDENTE, Decision.APROVADO})
assert OPEN_DECISIONS == {Decision(d) for d in q.OPEN_DECISIONS}  # the deadline order's "open"
# The days a period filter may name (the date widgets' range); a link outside it is ignored.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)

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
    "deadline": "prazo",
    "method": "metodo",
}
# The deadline filter (the charts' "Prazo vencido" / "Prazo em risco" open here): open requests
# whose deadline has passed, or passed or falls within AMBER_DAYS, as of today.
DEADLINE_LABELS = {"vencido": "Prazo vencido", "risco": "Prazo vencido ou em risco"}


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
    deadline: str | None = None  # vencido | risco
    method: str | None = None  # a calculation method code (lib.discount.METHODS)

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
                value = date.fromisoformat(single(name) or "")
            except ValueError:
                return None
            return value if FIRST_DAY <= value <= LAST_DAY else None

        status = tuple(dict.fromkeys(s for s in many("status") if s in Status._value2member_map_))
        departments = tuple(dict.fromkeys(int(s) for s in many("depto") if s.isdigit()))
        priority = single("prioridade")
        reason = integer("motivo")
        decision = single("decisao")
        sort = single("ordem")
        deadline = single("prazo")
        method = single("metodo")
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
            search=q.normal_text(search)[:100],
            sort=sort if sort in SORT_LABELS else "abertura",
            deadline=deadline if deadline in DEADLINE_LABELS else None,
            method=method if method in METHODS else None,
        )

    def period(self) -> tuple[datetime | None, datetime | None]:
        """The São Paulo days from..to (inclusive) as [start, end) instants."""
        start = datetime.combine(self.date_from, time(0), TZ) if self.date_from else None
        end = (
            datetime.combine(self.date_to + timedelta(days=1), time(0), TZ)
            if self.date_to and self.date_to < date.max
            else None
        )
        return start, end

    def check(self) -> None:
        """Refuse filters that cannot mean what the person wanted (nothing is queried then)."""
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise DomainError(
                f"Período invertido: “Aberto até” ({fmt.day(self.date_to)}) é anterior a "
                f"“Aberto de” ({fmt.day(self.date_from)}). Corrija uma das datas para buscar."
            )

    def active(self) -> list[str]:
        """The names of the filters that differ from their defaults (the order is not one)."""
        default = Filters()
        return [
            f.name
            for f in fields(self)
            if f.name != "sort" and getattr(self, f.name) != getattr(default, f.name)
        ]

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
    filters.check()
    if after is not None and before is not None:
        raise ValueError("after and before are exclusive")
    with store.transaction() as cur:
        return _page(cur, filters, after, before, page_size, with_total=with_total)


def _page(
    cur,
    filters: Filters,
    after: Key | None,
    before: Key | None,
    page_size: int,
    *,
    with_total: bool = True,
    names_into: dict[str, dict[int, str]] | None = None,
) -> Page:
    if after is not None and before is not None:
        raise ValueError("after and before are exclusive")
    period = filters.period()
    found = q.page(
        cur,
        filters,
        period,
        filters.sort,
        after=after,
        before=before,
        limit=page_size,
        names_into=names_into,
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
    filters.check()
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
    scan fewer than counting apart), read in one transaction so they agree even while others
    write. Filters that cannot be met are refused (DomainError) before anything is queried."""
    page, matrix = _browse(store, actor, filters, after, before, page_size, with_matrix=True)
    assert matrix is not None
    return page, matrix


def browse_total(
    store: Store,
    actor: User,
    filters: Filters,
    *,
    after: Key | None = None,
    before: Key | None = None,
    page_size: int = PAGE_SIZE,
) -> Page:
    """The page and its total without the count matrix, for while the matrix is not shown: a
    plain count(*) instead of counting by status and department (unfiltered at 10M: under
    1 ms against 80 ms of CPU; issue 17)."""
    return _browse(store, actor, filters, after, before, page_size, with_matrix=False)[0]


def _browse(
    store: Store,
    actor: User,
    filters: Filters,
    after: Key | None,
    before: Key | None,
    page_size: int,
    *,
    with_matrix: bool,
) -> tuple[Page, Matrix | None]:
    require(actor, Perm.READ_TICKETS)
    filters.check()
    if after is not None and before is not None:
        raise ValueError("after and before are exclusive")
    criteria: Any = filters
    with store.transaction() as cur:
        if filters.search:  # name the matching customers once for both queries
            criteria = _Resolved(
                filters,
                q.matching_customers(cur, filters.search),
                q.opa_tickets(cur, filters.search),
            )
        counted = q.status_department_counts(cur, criteria, filters.period()) if with_matrix else []
        names: dict[str, dict[int, str]] = {}  # read with the page's rows
        page = _page(cur, criteria, after, before, page_size, with_total=False, names_into=names)
        if not with_matrix:
            whole = after is None and before is None and page.next_key is None
            # the first page holding every row (a narrow search, say) is its own count
            total = len(page.rows) if whole else q.count(cur, criteria, filters.period())
            return replace(page, total=total, filters=filters), None
        if counted and not names:  # an empty page read no names
            names = q.lookup_names(cur)
        matrix = _build_matrix(counted, names.get("department", {}))
    return replace(page, total=matrix.total, filters=filters), matrix


class _Resolved:
    """Filters plus the customers, and the tickets by protocol or OPA protocol, their search
    names (read by lib.store.ticket_list)."""

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
    return _build_matrix(found, {d["id"]: d["name"] for d in cat.list_items(cur, "department")})


def _build_matrix(found: list[dict], names: dict[int, str]) -> Matrix:
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


# --- the filters as the page names them ----------------------------------------------------------

# The shortcuts Início offers into the list (label, filters).
SHORTCUTS: list[tuple[str, Filters]] = [
    ("Pedidos aguardando decisão, pelo prazo", Filters(decision="pendente", sort="prazo")),
    ("Aprovados ainda não aplicados na fatura", Filters(decision="aprovado", sort="prazo")),
    ("Aguardando o retorno do sinal", Filters(decision="aguardando_retorno")),
    ("Atendimentos novos", Filters(status=("N",))),
]


def filter_labels(filters: Filters, options: Options) -> dict[str, str]:
    """Each active filter (field name) as the page shows it, e.g. "Decisão: Aprovado". Names
    come as people typed them: the caller shows them as plain text."""
    f = filters
    out: dict[str, str] = {}
    for name in f.active():
        if name == "search":
            out[name] = f"Busca: “{f.search}”"
        elif name == "status":
            out[name] = "Status: " + ", ".join(STATUS_LABELS[Status(s)] for s in f.status)
        elif name == "departments":
            out[name] = "Departamento: " + ", ".join(
                options.departments.get(d, f"#{d}") for d in f.departments
            )
        elif name == "subject" and f.subject is not None:
            out[name] = "Assunto: " + options.subjects.get(f.subject, f"#{f.subject}")
        elif name == "priority" and f.priority is not None:
            out[name] = "Prioridade: " + PRIORITY_LABELS.get(f.priority, f.priority)
        elif name == "responsible" and f.responsible is not None:
            who = options.responsibles.get(f.responsible, f"#{f.responsible}")
            out[name] = who if f.responsible == 0 else f"Responsável: {who}"
        elif name == "reason" and f.reason is not None:
            out[name] = f"Motivo: {f.reason} — {REASONS[f.reason].label}"
        elif name == "decision" and f.decision is not None:
            out[name] = "Decisão: " + DECISION_LABELS[Decision(f.decision)]
        elif name == "date_from":
            out[name] = f"Aberto de {fmt.day(f.date_from)}"
        elif name == "date_to":
            out[name] = f"Aberto até {fmt.day(f.date_to)}"
        elif name == "deadline" and f.deadline is not None:
            out[name] = DEADLINE_LABELS[f.deadline]
        elif name == "method" and f.method is not None:
            out[name] = "Método: " + METHODS[f.method].label
    return out


# --- the queue: which ticket the detail shows after a decision --------------------------------

CLOSED_STATUSES = frozenset({Status.SOLUCIONADO, Status.CANCELADO})
DECIDED = frozenset({Decision.APROVADO, Decision.REPROVADO, Decision.APLICADO, Decision.CANCELADO})

State = tuple[str, str | None]  # (ticket status, discount decision or None)


def ticket_state(store: Store, actor: User, ticket_id: int) -> State | None:
    """A ticket's status and discount decision now (None when there is no such ticket)."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return q.ticket_state(cur, ticket_id)


def moved_on(before: State, after: State | None) -> bool:
    """Whether a ticket's work step ended between two states: its request was decided (approved,
    rejected, applied, cancelled), or the ticket was solved or cancelled. Assuming it, recording
    the signal's return, a message, a forward or undoing "aplicado" keep the person on it."""
    if after is None:
        return True
    (status, decision), (new_status, new_decision) = before, after
    if decision is not None and new_decision is not None and new_decision != decision:
        return Decision(decision) in OPEN_DECISIONS and Decision(new_decision) in DECIDED
    return Status(status) not in CLOSED_STATUSES and Status(new_status) in CLOSED_STATUSES


def next_in_queue(shown: list[int], now: list[int], ticket_id: int) -> int | None:
    """The ticket to open after `ticket_id` was dealt with, given the list's ids as shown then and
    as they are now. Still listed: the row below it (None when it is the last: stay). It left
    the list: the row that took its place, else the one now last (None: the list is empty)."""
    if ticket_id in now:
        below = now[now.index(ticket_id) + 1 :]
        return below[0] if below else None
    if ticket_id in shown:
        listed = set(now)
        after = shown[shown.index(ticket_id) + 1 :]
        if (nxt := next((i for i in after if i in listed), None)) is not None:
            return nxt
    return now[-1] if now else None


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
