"""Atendimentos: every ticket, filtered (filters live in the URL), counted by status and
department, paged by key in the store; a selected row's detail and actions; bulk Assumir and
Aprovar; export of the whole filtered set."""

import hashlib

import streamlit as st

from lib import fmt
from lib.auth import Perm, can
from lib.domain import (
    ACTION_LABELS,
    DECISION_LABELS,
    DISCOUNT_SUBJECT,
    PRIORITY_LABELS,
    REASONS,
    STATUS_LABELS,
    Action,
    DomainError,
    Status,
)
from lib.usecases import ticket_list as tl
from ui import session, ticket_detail

user = session.require(Perm.READ_TICKETS)
store = session.store()
ss = st.session_state
options = tl.filter_options(store, user)
F = "tk_f_"  # filter widget keys

st.title("Atendimentos")

# --- filters <-> query string -----------------------------------------------------------------
params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
from_url = tl.Filters.from_query(params)
if ss.get("tk_url") != from_url.to_query():  # first visit, or a shared link opened
    ss[F + "search"] = from_url.search
    ss[F + "status"] = list(from_url.status)
    ss[F + "departments"] = [d for d in from_url.departments if d in options.departments]
    ss[F + "subject"] = from_url.subject if from_url.subject in options.subjects else None
    ss[F + "priority"] = from_url.priority
    ss[F + "responsible"] = (
        from_url.responsible if from_url.responsible in options.responsibles else None
    )
    ss[F + "reason"] = from_url.reason
    ss[F + "decision"] = from_url.decision
    ss[F + "date_from"] = from_url.date_from
    ss[F + "date_to"] = from_url.date_to
    ss[F + "sort"] = from_url.sort


def _clear_filters() -> None:
    for name, value in vars(tl.Filters()).items():
        ss[F + name] = list(value) if isinstance(value, tuple) else value


def _pick_cell(status: str | None, department_id: int | None) -> None:
    ss[F + "status"] = [status] if status else []
    ss[F + "departments"] = [department_id] if department_id else []


top = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
top[0].text_input(
    "Buscar",
    key=F + "search",
    placeholder="Protocolo, nome ou CPF do cliente, protocolo OPA",
)
top[1].multiselect(
    "Status",
    [s.value for s in Status],
    format_func=lambda s: STATUS_LABELS[Status(s)],
    key=F + "status",
    placeholder="Todos",
)
top[2].multiselect(
    "Departamento",
    list(options.departments),
    format_func=options.departments.get,
    key=F + "departments",
    placeholder="Todos",
)
top[3].selectbox(
    "Ordenar por", list(tl.SORT_LABELS), format_func=tl.SORT_LABELS.get, key=F + "sort"
)
with st.expander("Mais filtros"):
    row = st.columns(4)
    row[0].selectbox(
        "Assunto",
        [None, *options.subjects],
        format_func=lambda v: "Todos" if v is None else options.subjects[v],
        key=F + "subject",
    )
    row[1].selectbox(
        "Prioridade",
        [None, *PRIORITY_LABELS],
        format_func=lambda v: "Todas" if v is None else PRIORITY_LABELS[v],
        key=F + "priority",
    )
    row[2].selectbox(
        "Responsável",
        [None, *options.responsibles],
        format_func=lambda v: "Todos" if v is None else options.responsibles[v],
        key=F + "responsible",
    )
    row[3].selectbox(
        "Motivo do desconto",
        [None, *REASONS],
        format_func=lambda v: "Todos" if v is None else f"{v} — {REASONS[v].label}",
        key=F + "reason",
    )
    row = st.columns(4)
    row[0].selectbox(
        "Decisão do desconto",
        [None, *(d.value for d in DECISION_LABELS)],
        format_func=lambda v: "Todas" if v is None else DECISION_LABELS[v],
        key=F + "decision",
    )
    row[1].date_input("Aberto de", value=None, format="DD/MM/YYYY", key=F + "date_from")
    row[2].date_input("Aberto até", value=None, format="DD/MM/YYYY", key=F + "date_to")
    row[3].button("Limpar filtros", on_click=_clear_filters, icon=":material/filter_alt_off:")

filters = tl.Filters(
    status=tuple(ss[F + "status"]),
    departments=tuple(ss[F + "departments"]),
    subject=ss[F + "subject"],
    priority=ss[F + "priority"],
    responsible=ss[F + "responsible"],
    reason=ss[F + "reason"],
    decision=ss[F + "decision"],
    date_from=ss[F + "date_from"],
    date_to=ss[F + "date_to"],
    search=(ss[F + "search"] or "").strip(),
    sort=ss[F + "sort"] or "abertura",
)
query = filters.to_query()
if query != from_url.to_query() or ss.get("tk_url") != query:
    keep = {"id": st.query_params["id"]} if "id" in st.query_params else {}
    st.query_params.from_dict({**query, **keep})
    ss["tk_url"] = query

# --- bulk actions queued by the buttons below (run before the list, which then shows them) -----
if job := ss.pop("tk_bulk_job", None):
    action, items = job
    bar = st.progress(0.0, text=f"{ACTION_LABELS[action]}: 0 de {len(items)}")
    outcomes = tl.run_bulk(
        store,
        user,
        action,
        list(items),
        on_progress=lambda i, n: bar.progress(i / n, text=f"{ACTION_LABELS[action]}: {i} de {n}"),
    )
    bar.empty()
    ss["tk_bulk_result"] = (action, outcomes)

if result := ss.get("tk_bulk_result"):
    action, outcomes = result
    refused = [o for o in outcomes if not o.ok]
    (st.warning if refused else st.success)(tl.bulk_summary(action, outcomes))
    if refused:
        st.dataframe(
            [{"Protocolo": o.protocol, "Motivo da recusa": o.message} for o in refused],
            hide_index=True,
            width="stretch",
            key="tk_bulk_refused",
        )
    st.button("Fechar resumo", key="tk_bulk_close", on_click=lambda: ss.pop("tk_bulk_result"))

# --- counts by status x department (each cell filters to itself) -------------------------------
cursor = ss.get("tk_cursor")
if cursor is None or cursor["query"] != query:
    cursor = ss["tk_cursor"] = {"query": query, "after": None, "before": None, "start": 0}
page, matrix = tl.browse(store, user, filters, after=cursor["after"], before=cursor["before"])
if not page.rows and (cursor["after"] or cursor["before"]):  # the page emptied meanwhile
    cursor = ss["tk_cursor"] = {"query": query, "after": None, "before": None, "start": 0}
    page, matrix = tl.browse(store, user, filters)
with st.expander(f"Contagem por status e departamento · {fmt.number(matrix.total, 0)}", True):
    if not matrix.departments:
        st.caption("Nenhum atendimento com estes filtros.")
    else:
        widths = [3] + [2] * (len(matrix.statuses) + 1)
        head = st.columns(widths)
        head[0].markdown("**Departamento**")
        for i, s in enumerate(matrix.statuses, start=1):
            head[i].markdown(f"**{STATUS_LABELS[Status(s)]}**")
        head[-1].markdown("**Total**")
        for dept_id, name in matrix.departments:
            cols = st.columns(widths, vertical_alignment="center")
            cols[0].write(name)
            for i, s in enumerate(matrix.statuses, start=1):
                n = matrix.get(s, dept_id)
                cols[i].button(
                    fmt.number(n, 0),
                    key=f"tk_cell_{s}_{dept_id}",
                    type="tertiary",
                    disabled=n == 0,
                    on_click=_pick_cell,
                    args=(s, dept_id),
                    help=f"{STATUS_LABELS[Status(s)]} em {name}",
                )
            cols[-1].button(
                f"**{fmt.number(matrix.row_total(dept_id), 0)}**",
                key=f"tk_cell_all_{dept_id}",
                type="tertiary",
                on_click=_pick_cell,
                args=(None, dept_id),
            )
        cols = st.columns(widths)
        cols[0].markdown("**Total**")
        for i, s in enumerate(matrix.statuses, start=1):
            cols[i].button(
                f"**{fmt.number(matrix.column_total(s), 0)}**",
                key=f"tk_cell_{s}_all",
                type="tertiary",
                disabled=matrix.column_total(s) == 0,
                on_click=_pick_cell,
                args=(s, None),
            )
        cols[-1].markdown(f"**{fmt.number(matrix.total, 0)}**")


# --- the page of the list ----------------------------------------------------------------------
def _go(after, before, start: int) -> None:
    ss["tk_cursor"] = {"query": query, "after": after, "before": before, "start": max(start, 0)}


start = 0 if page.prev_key is None else cursor["start"]
frame, states = tl.table_rows(page)

shown = f"{fmt.number(start + 1, 0)}–{fmt.number(start + len(page.rows), 0)}" if page.rows else "0"
st.caption(f"Atendimentos {shown} de {fmt.number(page.total, 0)}")

DEADLINE_STYLE = {"perto": "background-color: #fde68a", "vencido": "background-color: #fca5a5"}
styled = frame.style.apply(
    lambda col: [DEADLINE_STYLE.get(s, "") for s in states], subset=["Prazo"]
)
# The key names exactly the rows drawn: when the rows change, the old selection goes with the
# old key, so a selected position can only ever mean the ticket it pointed at on screen.
table_key = "tk_table_" + hashlib.sha1(repr(page.ids).encode()).hexdigest()[:12]
ss["tk_table_key"] = table_key
selection = st.dataframe(
    styled,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * max(len(frame), 1), 600),
    key=table_key,
    on_select="rerun",
    selection_mode="multi-row",
    column_config={
        "Status": st.column_config.MultiselectColumn(
            "Status",
            options=[STATUS_LABELS[s] for s in Status],
            color=["#3b82f6", "#f59e0b", "#8b5cf6", "#22c55e", "#9ca3af"],
        ),
        "Prazo": st.column_config.TextColumn(
            "Prazo", help="90 dias após a interrupção: amarelo a 15 dias do fim, vermelho vencido"
        ),
    },
)
selected = [page.rows[i] for i in selection.selection.rows if i < len(page.rows)]

nav = st.columns([1, 1, 6])
nav[0].button(
    "← Anteriores",
    disabled=page.prev_key is None,
    on_click=_go,
    args=(None, page.prev_key, start - tl.PAGE_SIZE),
    key="tk_prev",
)
nav[1].button(
    "Próximos →",
    disabled=page.next_key is None,
    on_click=_go,
    args=(page.next_key, None, start + len(page.rows)),
    key="tk_next",
)


# --- bulk -------------------------------------------------------------------------------------
def _queue_bulk(action: Action, items: tuple) -> None:
    ss["tk_bulk_job"] = (action, items)
    ss.pop("tk_bulk_result", None)


if selected:
    items = tuple((r["id"], r["protocol"], r["status"]) for r in selected)
    bulk = st.columns([2, 2, 4], vertical_alignment="center")
    bulk[0].markdown(f"**{len(selected)} selecionado{'s' if len(selected) > 1 else ''}**")
    may_assume = any(
        can(user, Action.ASSUMIR, discount_ticket=r["subject"] == DISCOUNT_SUBJECT)
        for r in selected
    )
    if may_assume:
        bulk[1].button(
            "Assumir selecionados",
            key="tk_bulk_assumir",
            on_click=_queue_bulk,
            args=(Action.ASSUMIR, items),
            icon=":material/front_hand:",
        )
    if can(user, Action.APROVAR):
        bulk[2].button(
            "Aprovar selecionados",
            key="tk_bulk_aprovar",
            on_click=_queue_bulk,
            args=(Action.APROVAR, items),
            icon=":material/check:",
        )

# --- export -----------------------------------------------------------------------------------
if can(user, Perm.EXPORT):

    def _export() -> None:
        try:
            frame = tl.export_frame(store, user, filters)
        except DomainError as exc:
            ss["tk_export"] = {"query": query, "error": str(exc)}
            return
        ss["tk_export"] = {
            "query": query,
            "rows": len(frame),
            "csv": tl.export_csv(frame),
            "xlsx": tl.export_xlsx(frame),
        }

    with st.expander("Exportar o resultado filtrado"):
        st.button(
            f"Preparar arquivos ({fmt.number(page.total, 0)} atendimentos)",
            key="tk_export_prepare",
            on_click=_export,
            icon=":material/download:",
        )
        export = ss.get("tk_export")
        if export and export["query"] == query:
            if "error" in export:
                st.error(export["error"])
            else:
                st.caption(f"{fmt.number(export['rows'], 0)} atendimentos nos arquivos.")
                cols = st.columns(2)
                cols[0].download_button(
                    "Baixar CSV",
                    export["csv"],
                    file_name="atendimentos.csv",
                    mime="text/csv",
                    on_click="ignore",
                    key="tk_export_csv",
                )
                cols[1].download_button(
                    "Baixar XLSX",
                    export["xlsx"],
                    file_name="atendimentos.xlsx",
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    on_click="ignore",
                    key="tk_export_xlsx",
                )

# --- detail of the selected ticket (or ?id=, so other pages can link here) -----------------------
detail_id = None
if len(selected) == 1:
    detail_id = selected[0]["id"]
    if st.query_params.get("id") != str(detail_id):
        st.query_params["id"] = str(detail_id)
elif not selected:
    if ss.get("tk_had_selection") == table_key:  # the user cleared it: close the detail
        st.query_params.pop("id", None)
    elif (raw := st.query_params.get("id", "")).isdigit():
        detail_id = int(raw)
ss["tk_had_selection"] = table_key if selected else None

if detail_id is not None:
    ticket_detail.render(store, user, detail_id)
else:
    ticket_detail.show_flash()
    if len(selected) > 1:
        st.caption("Selecione uma só linha para ver o atendimento e as ações.")
    else:
        st.caption("Selecione uma linha para ver o atendimento, o histórico e as ações.")
