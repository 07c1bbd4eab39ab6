"""The Atendimentos filters: their widgets (session keys `tk_f_*`), their mirror in the query
string so that a filtered list can be shared as a link, and the callbacks that clear them or
narrow them to one cell of the count matrix."""

from __future__ import annotations

import streamlit as st

from lib.domain import DECISION_LABELS, PRIORITY_LABELS, REASONS, STATUS_LABELS, Status
from lib.usecases import ticket_list as tl
from ui import forms

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
    return linked


def clear_filters() -> None:
    ss = st.session_state
    for name, value in vars(tl.Filters()).items():
        ss[F + name] = list(value) if isinstance(value, tuple) else value


def pick_cell(status: str | None, department_id: int | None) -> None:
    ss = st.session_state
    ss[F + "status"] = [status] if status else []
    ss[F + "departments"] = [department_id] if department_id else []


def widgets(options: tl.Options) -> None:
    """Search, status, department and order in a row; the rest under "Mais filtros"."""
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
        format_func=forms.labels(options.departments),
        key=F + "departments",
        placeholder="Todos",
    )
    top[3].selectbox(
        "Ordenar por",
        list(tl.SORT_LABELS),
        format_func=forms.labels(tl.SORT_LABELS),
        key=F + "sort",
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
        row[3].button("Limpar filtros", on_click=clear_filters, icon=":material/filter_alt_off:")


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
        search=(ss[F + "search"] or "").strip(),
        sort=ss[F + "sort"] or "abertura",
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
