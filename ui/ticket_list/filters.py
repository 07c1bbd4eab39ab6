"""The Atendimentos filters: their widgets (session keys `tk_f_*`), their mirror in the query
string so that a filtered list can be shared as a link, every active filter as a removable chip
(a filter set by a link or a shortcut is never hidden), and the callbacks that clear them or
narrow them to one cell of the count matrix."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.domain import DECISION_LABELS, PRIORITY_LABELS, REASONS, STATUS_LABELS, Status
from lib.usecases import ticket_list as tl
from ui import forms
from ui.text import plain

F = "tk_f_"  # filter widget keys

Query = dict[str, str | list[str]]


def from_url(options: tl.Options) -> tl.Filters:
    """The filters the query string holds; on a first visit, or when a shared link is opened,
    they become the widgets' values too (ids the options no longer offer are dropped)."""
    ss = st.session_state
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    linked = tl.Filters.from_query(params)
    if ss.get("tk_url") != linked.to_query():  # first visit, or a shared link opened
        ss[F + "search"] = linked.search
        ss[F + "status"] = list(linked.status)
        ss[F + "departments"] = [d for d in linked.departments if d in options.departments]
        ss[F + "subject"] = linked.subject if linked.subject in options.subjects else None
        ss[F + "priority"] = linked.priority
        ss[F + "responsible"] = (
            linked.responsible if linked.responsible in options.responsibles else None
        )
        ss[F + "reason"] = linked.reason
        ss[F + "decision"] = linked.decision
        ss[F + "date_from"] = linked.date_from
        ss[F + "date_to"] = linked.date_to
        ss[F + "sort"] = linked.sort
        ss[F + "deadline"] = linked.deadline  # set by the charts' links; shown as a chip
        ss[F + "method"] = linked.method
    return linked


def clear_filter(name: str) -> None:
    """Back to its default: the next run writes the query string without it."""
    value = getattr(tl.Filters(), name)
    st.session_state[F + name] = list(value) if isinstance(value, tuple) else value


def clear_filters(keep: tuple[str, ...] = ()) -> None:
    """Every filter back to its default, but those in `keep` (the order is not a filter)."""
    for name in vars(tl.Filters()):
        if name != "sort" and name not in keep:
            clear_filter(name)


def pick_cell(status: str | None, department_id: int | None) -> None:
    ss = st.session_state
    ss[F + "status"] = [status] if status else []
    ss[F + "departments"] = [department_id] if department_id else []


def widgets(options: tl.Options, narrow: bool = False) -> DeltaGenerator:
    """Search, status, department and order in a row (two rows beside an open ticket); the
    rest under "Mais filtros", beside the place returned for the counts (one line each while
    collapsed)."""
    if narrow:
        first, second = (
            st.columns([3, 2], vertical_alignment="bottom"),
            st.columns(2, vertical_alignment="bottom"),
        )
        search, sort, status, department = first[0], first[1], second[0], second[1]
    else:
        top = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
        search, status, department, sort = top
    search.text_input(
        "Buscar",
        key=F + "search",
        placeholder="Protocolo, nome ou CPF do cliente, protocolo OPA",
    )
    status.multiselect(
        "Status",
        [s.value for s in Status],
        format_func=lambda s: STATUS_LABELS[Status(s)],
        key=F + "status",
        placeholder="Todos",
    )
    department.multiselect(
        "Departamento",
        list(options.departments),
        format_func=forms.labels(options.departments),
        key=F + "departments",
        placeholder="Todos",
    )
    sort.selectbox(
        "Ordenar por",
        list(tl.SORT_LABELS),
        format_func=forms.labels(tl.SORT_LABELS),
        key=F + "sort",
    )
    more, counts = st.columns(2)
    with more.expander("Mais filtros"):
        row = st.columns(2)
        row[0].selectbox(
            "Assunto",
            [None, *options.subjects],
            format_func=lambda v: "Todos" if v is None else options.subjects[v],
            key=F + "subject",
            placeholder="Todos",
        )
        row[1].selectbox(
            "Prioridade",
            [None, *PRIORITY_LABELS],
            format_func=lambda v: "Todas" if v is None else PRIORITY_LABELS[v],
            key=F + "priority",
            placeholder="Todas",
        )
        row = st.columns(2)
        row[0].selectbox(
            "Responsável",
            [None, *options.responsibles],
            format_func=lambda v: "Todos" if v is None else options.responsibles[v],
            key=F + "responsible",
            placeholder="Todos",
        )
        row[1].selectbox(
            "Motivo do desconto",
            [None, *REASONS],
            format_func=lambda v: "Todos" if v is None else f"{v} — {REASONS[v].label}",
            key=F + "reason",
            placeholder="Todos",
        )
        st.selectbox(
            "Decisão do desconto",
            [None, *(d.value for d in DECISION_LABELS)],
            format_func=lambda v: "Todas" if v is None else DECISION_LABELS[v],
            key=F + "decision",
            placeholder="Todas",
        )
        row = st.columns(2)
        for col, label, name in ((row[0], "Aberto de", "from"), (row[1], "Aberto até", "to")):
            col.date_input(
                label,
                value=None,
                min_value=tl.FIRST_DAY,
                max_value=tl.LAST_DAY,
                format="DD/MM/YYYY",
                key=F + "date_" + name,
            )
        st.button("Limpar filtros", on_click=clear_filters, icon=":material/filter_alt_off:")
    return counts


def chips(filters: tl.Filters, options: tl.Options) -> dict[str, str]:
    """Each active filter as a chip whose ✕ clears it (and its query-string parameter), and
    "Limpar filtros" for two or more; return the labels (field name -> text)."""
    labels = tl.filter_labels(filters, options)
    if labels:
        row = st.container(horizontal=True, gap="small", vertical_alignment="center")
        row.caption("Filtros ativos:", width="content")
        for name, label in labels.items():
            row.button(
                plain(label),
                key=f"tk_chip_{name}",
                on_click=clear_filter,
                args=(name,),
                icon=":material/close:",
                icon_position="right",
                help="Remover este filtro",
            )
        if len(labels) > 1:
            row.button(
                "Limpar filtros",
                key="tk_chip_all",
                on_click=clear_filters,
                type="tertiary",
                icon=":material/filter_alt_off:",
            )
    return labels


def current() -> tl.Filters:
    """The filters the widgets hold on this run."""
    ss = st.session_state
    return tl.Filters(
        status=tuple(ss[F + "status"]),
        departments=tuple(ss[F + "departments"]),
        subject=ss[F + "subject"],
        priority=ss[F + "priority"],
        responsible=ss[F + "responsible"],
        reason=ss[F + "reason"],
        decision=ss[F + "decision"],
        date_from=ss[F + "date_from"],
        date_to=ss[F + "date_to"],
        search=" ".join((ss[F + "search"] or "").split())[:100],
        sort=ss[F + "sort"] or "abertura",
        deadline=ss.get(F + "deadline"),
        method=ss.get(F + "method"),
    )


def to_url(filters: tl.Filters, linked: tl.Filters) -> Query:
    """Write the filters to the query string (keeping a ticket's ?id=) when they differ from
    it or from what was last written; return their query form, which also names the list."""
    ss = st.session_state
    query = filters.to_query()
    if query != linked.to_query() or ss.get("tk_url") != query:
        keep = {"id": st.query_params["id"]} if "id" in st.query_params else {}
        st.query_params.from_dict({**query, **keep})
        ss["tk_url"] = query
    return query
