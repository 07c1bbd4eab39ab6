"""The Atendimentos list: one page of the filtered tickets, paged by key in the store (the
cursor lives in session key `tk_cursor`), the selectable table with its deadline colours, the
page buttons, and which ticket the detail below it shows (the selection, or ?id=)."""

from __future__ import annotations

import hashlib

import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import STATUS_LABELS, Status
from lib.store import Store
from lib.usecases import ticket_list as tl
from ui.ticket_list.filters import Query

DEADLINE_STYLE = {"perto": "background-color: #fde68a", "vencido": "background-color: #fca5a5"}


def browse(
    store: Store, user: User, filters: tl.Filters, query: Query
) -> tuple[tl.Page, tl.Matrix, int]:
    """The page the cursor points at (the first one when the filters changed), the counts, and
    the position of the page's first row in the whole list."""
    ss = st.session_state
    cursor = ss.get("tk_cursor")
    if cursor is None or cursor["query"] != query:
        cursor = ss["tk_cursor"] = {"query": query, "after": None, "before": None, "start": 0}
    page, matrix = tl.browse(store, user, filters, after=cursor["after"], before=cursor["before"])
    if not page.rows and (cursor["after"] or cursor["before"]):  # the page emptied meanwhile
        cursor = ss["tk_cursor"] = {"query": query, "after": None, "before": None, "start": 0}
        page, matrix = tl.browse(store, user, filters)
    start = 0 if page.prev_key is None else cursor["start"]
    return page, matrix, start


def table(page: tl.Page, start: int) -> tuple[list[dict], str]:
    """The caption and the table of the page; return the selected rows and the table's key."""
    frame, states = tl.table_rows(page)

    shown = (
        f"{fmt.number(start + 1, 0)}–{fmt.number(start + len(page.rows), 0)}" if page.rows else "0"
    )
    st.caption(f"Atendimentos {shown} de {fmt.number(page.total, 0)}")

    styled = frame.style.apply(
        lambda col: [DEADLINE_STYLE.get(s, "") for s in states], subset=["Prazo"]
    )
    # The key names exactly the rows drawn: when the rows change, the old selection goes with the
    # old key, so a selected position can only ever mean the ticket it pointed at on screen.
    table_key = "tk_table_" + hashlib.sha1(repr(page.ids).encode()).hexdigest()[:12]
    st.session_state["tk_table_key"] = table_key
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
                "Prazo",
                help="90 dias após a interrupção: amarelo a 15 dias do fim, vermelho vencido",
            ),
        },
    )
    selected = [page.rows[i] for i in selection.selection.rows if i < len(page.rows)]
    return selected, table_key


def _go(query: Query, after: tl.Key | None, before: tl.Key | None, start: int) -> None:
    st.session_state["tk_cursor"] = {
        "query": query,
        "after": after,
        "before": before,
        "start": max(start, 0),
    }


def pager(page: tl.Page, start: int, query: Query) -> None:
    nav = st.columns([1, 1, 6])
    nav[0].button(
        "← Anteriores",
        disabled=page.prev_key is None,
        on_click=_go,
        args=(query, None, page.prev_key, start - tl.PAGE_SIZE),
        key="tk_prev",
    )
    nav[1].button(
        "Próximos →",
        disabled=page.next_key is None,
        on_click=_go,
        args=(query, page.next_key, None, start + len(page.rows)),
        key="tk_next",
    )


def detail_target(selected: list[dict], table_key: str) -> int | None:
    """The ticket to show below the list: the one selected row (written to ?id=, so the link
    can be shared), else with nothing selected the ?id= other pages link here with; None for
    several rows, or when the user has just cleared the selection (which also drops ?id=)."""
    ss = st.session_state
    detail_id: int | None = None
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
    return detail_id
