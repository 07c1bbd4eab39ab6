"""The Atendimentos list: one page of the filtered tickets, paged by key in the store (the
cursor lives in session key `tk_cursor`), the table with its deadline colours, the page
buttons, and which ticket the detail beside it shows.

The open ticket is the one in ?id= (so a link can be shared). Clicking any cell of a row opens
it; ticking one row's box does too (ticking several selects them for the bulk actions). The
open row is shown as the selected cell of its Protocolo, set here before the table is drawn.
After the person decides the open request (approve, reject, apply, cancel, solve), the detail
moves on to the next one in the list: the queue keeps flowing without scrolling."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit.delta_generator import DeltaGenerator

from lib import fmt
from lib.auth import User
from lib.domain import STATUS_LABELS, DomainError, Status
from lib.store import Store
from lib.usecases import ticket_list as tl
from ui.text import plain
from ui.ticket_detail import FLASH
from ui.ticket_list import counts
from ui.ticket_list import filters as filtering
from ui.ticket_list.filters import Query

DEADLINE_STYLE = {"perto": "background-color: #fde68a", "vencido": "background-color: #fca5a5"}
SEEN = "tk_seen"  # (table key, rows, cells, ids) as the table was left on the last run
SHOWN = "tk_shown"  # the open ticket as the list showed it: id, query, the page's ids, state
MOVED = "tk_moved"  # what was done to the ticket the queue just moved on from
MOVED_FROM = "tk_moved_from"  # and its id
OPEN_COLUMN = "Protocolo"
# Beside the detail the list is narrow: what a decision needs first, the rest to the right.
COMPACT_ORDER = [
    "Protocolo",
    "Prazo",
    "Valor",
    "Decisão",
    "Cliente",
    "Status",
    "Abertura",
    "Assunto",
    "Departamento",
    "Responsável",
    "Prioridade",
]
ROW_PX, HEAD_PX = 35, 38


def _read(
    store: Store, user: User, filters: tl.Filters, cursor: dict
) -> tuple[tl.Page, tl.Matrix | None]:
    """The page and, while the count matrix is open, the matrix (else only the total)."""
    after, before = cursor["after"], cursor["before"]
    if st.session_state.get(counts.OPEN):
        return tl.browse(store, user, filters, after=after, before=before)
    return tl.browse_total(store, user, filters, after=after, before=before), None


def browse(
    store: Store, user: User, filters: tl.Filters, query: Query
) -> tuple[tl.Page, tl.Matrix | None, int] | None:
    """The page the cursor points at (the first one when the filters changed), the counts (None
    while their expander is closed), and the position of the page's first row in the whole
    list; None, with the reason on screen, when the filters are refused (nothing is queried
    then)."""
    ss = st.session_state
    cursor = ss.get("tk_cursor")
    if cursor is None or cursor["query"] != query:
        cursor = ss["tk_cursor"] = {"query": query, "after": None, "before": None, "start": 0}
    try:
        page, matrix = _read(store, user, filters, cursor)
    except DomainError as exc:
        st.error(plain(exc), icon=":material/event_busy:")
        return None
    if not page.rows and (cursor["after"] or cursor["before"]):  # the page emptied meanwhile
        cursor = ss["tk_cursor"] = {"query": query, "after": None, "before": None, "start": 0}
        page, matrix = _read(store, user, filters, cursor)
    start = 0 if page.prev_key is None else cursor["start"]
    return page, matrix, start


# --- which ticket is open -----------------------------------------------------------------------


def _key(page: tl.Page) -> str:
    # The key names exactly the rows drawn: when the rows change, the old selection goes with
    # the old key, so a selected position can only ever mean the ticket it pointed at on screen.
    return "tk_table_" + hashlib.sha1(repr(page.ids).encode()).hexdigest()[:12]


def _selection(state: Any) -> tuple[list[int], list[tuple[int, str]]]:
    selection = (state or {}).get("selection") or {}
    rows = [int(r) for r in selection.get("rows", [])]
    cells = [(int(c[0]), str(c[1])) for c in selection.get("cells", [])]
    return rows, cells


def _url_id() -> int | None:
    raw = st.query_params.get("id", "")
    return int(raw) if raw.isdigit() else None


def clicked() -> int | None:
    """Before anything is drawn: the ticket the person's click in the table (as it was drawn on
    the last run) opens, None when they cleared the selection; else the one in ?id=."""
    ss = st.session_state
    current = _url_id()
    seen = ss.get(SEEN)
    if not seen:
        return current
    key, seen_rows, seen_cells, ids = seen
    if key not in ss:  # the table was not drawn on the last run (another page, say): a link
        return current
    rows, cells = _selection(ss[key])
    if (rows, cells) == (seen_rows, seen_cells):
        return current
    if cells and cells != seen_cells and cells[0][0] < len(ids):  # a cell: its row
        return ids[cells[0][0]]
    if rows != seen_rows and len(rows) == 1 and rows[0] < len(ids):  # one box ticked
        return ids[rows[0]]
    if not rows and not cells:  # the person cleared the selection: close the detail
        return None
    return current  # boxes ticked for the bulk actions: the detail stays


def _moved_on(store: Store, user: User, page: tl.Page, query: Query, current: int) -> int | None:
    """After this person decided `current` (a success for it is waiting to be shown), the
    ticket the queue goes on to; `current` itself when it stays."""
    ss = st.session_state
    flash, shown = ss.get(FLASH), ss.get(SHOWN)
    if not (flash and flash[0] == "success" and flash[2] == current):
        return current
    if not (shown and shown["id"] == current and shown["query"] == query):
        return current
    row = next((r for r in page.rows if r["id"] == current), None)
    state = (row["status"], row["decision"]) if row else tl.ticket_state(store, user, current)
    if not tl.moved_on(shown["state"], state):
        return current
    nxt = tl.next_in_queue(shown["ids"], page.ids, current)
    if nxt is None and row is not None:  # the last row, still listed: stay on it
        return current
    ss.pop(FLASH)
    ss[MOVED] = (shown["protocol"], flash[1], nxt)
    ss[MOVED_FROM] = current
    return nxt


def open_ticket(
    store: Store, user: User, page: tl.Page, query: Query, current: int | None
) -> int | None:
    """Which ticket the detail shows on this run: `current` (from clicked()) or, after a
    decision on it, the next in the list. Written to ?id= (dropped for none), its row marked
    as the table's selected cell."""
    ss = st.session_state
    flash = ss.get(FLASH)
    if flash and flash[2] == ss.get(MOVED_FROM) and flash[2] != current:
        # a second click on the request just decided (a double click) was refused as stale:
        # the person already saw it done and moved on
        ss.pop(FLASH)
    if current is not None:
        current = _moved_on(store, user, page, query, current)
    if current is None:
        st.query_params.pop("id", None)
    elif st.query_params.get("id") != str(current):
        st.query_params["id"] = str(current)

    key = ss["tk_table_key"] = _key(page)
    rows, cells = _selection(ss.get(key))
    mark = [(page.ids.index(current), OPEN_COLUMN)] if current in page.ids else []
    if cells != mark:
        ss[key] = {"selection": {"rows": rows, "columns": [], "cells": mark}}
    ss[SEEN] = (key, rows, mark, page.ids)
    row = next((r for r in page.rows if r["id"] == current), None)
    if row is None:
        ss.pop(SHOWN, None)
    else:
        ss[SHOWN] = {
            "id": current,
            "query": query,
            "ids": page.ids,
            "state": (row["status"], row["decision"]),
            "protocol": row["protocol"],
        }
    return current


def columns(open_id: int | None) -> tuple[DeltaGenerator, DeltaGenerator | None]:
    """The list (with the title and filters) beside the open ticket's detail, which then runs
    from the top of the page; or the whole width for the list alone."""
    if open_id is None:
        return st.container(), None
    list_col, detail_col = st.columns([11, 9], gap="medium")
    return list_col, detail_col


# --- the list -----------------------------------------------------------------------------------


def moved_notice() -> None:
    """What was done to the ticket the queue just moved on from (where the eye is: above the
    detail it moved on to, or where the detail was when the list is done)."""
    if moved := st.session_state.pop(MOVED, None):
        protocol, text, nxt = moved
        after = "Abrindo o próximo da lista." if nxt else "Nenhum outro atendimento nesta lista."
        st.success(
            f"{plain(text.rstrip('.'))} — protocolo {protocol}. {after}", icon=":material/task_alt:"
        )


def empty(labels: dict[str, str]) -> None:
    """No row: name the active filters and offer to clear them (or to keep only the search)."""
    if not labels:
        st.info("Nenhum atendimento registrado.")
        return
    st.info("Nenhum atendimento com estes filtros: " + "; ".join(plain(v) for v in labels.values()))
    row = st.container(horizontal=True)
    row.button(
        "Limpar filtros",
        key="tk_empty_clear",
        on_click=filtering.clear_filters,
        icon=":material/filter_alt_off:",
    )
    if "search" in labels and len(labels) > 1:
        row.button(
            "Buscar em todos os atendimentos",
            key="tk_empty_search_all",
            on_click=filtering.clear_filters,
            args=(("search",),),
            icon=":material/search:",
        )


def deadline_colours(frame: pd.DataFrame, states: list[str]) -> Styler:
    """The table with its Prazo cells coloured by deadline state. `cell_ids=False`: pandas then
    gives ids (and Streamlit display values to rewrite) only to the styled cells, not to all
    550 of a page, which halved the styled table's cost (17 -> 9 ms a rerun; issue 17); the
    colours and the text shown are the same (tests/unit/test_ticket_table_style.py)."""
    return Styler(frame, cell_ids=False).apply(
        lambda col: [DEADLINE_STYLE.get(s, "") for s in states], subset=["Prazo"]
    )


def table(page: tl.Page, start: int, open_id: int | None, labels: dict[str, str]) -> list[dict]:
    """The caption and the table of the page; return the rows ticked for the bulk actions."""
    frame, states = tl.table_rows(page)
    key = st.session_state["tk_table_key"]

    shown = (
        f"{fmt.number(start + 1, 0)}–{fmt.number(start + len(page.rows), 0)}" if page.rows else "0"
    )
    st.caption(
        f"Atendimentos {shown} de {fmt.number(page.total, 0)}",
        help="Clique numa linha para abrir o atendimento ao lado; marque as caixas à esquerda "
        "para as ações em lote.",
    )
    if not page.rows:
        empty(labels)
        return []

    styled = deadline_colours(frame, states)
    beside = open_id is not None
    visible_rows = 7 if beside else 16  # beside the detail: the page's height is the limit
    selection = st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=HEAD_PX + ROW_PX * min(max(len(frame), 1), visible_rows) + 2,
        key=key,
        on_select="rerun",
        selection_mode=["multi-row", "single-cell"],
        column_order=COMPACT_ORDER if beside else None,
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
    return [page.rows[i] for i in selection.selection.rows if i < len(page.rows)]


def _go(query: Query, after: tl.Key | None, before: tl.Key | None, start: int) -> None:
    st.session_state["tk_cursor"] = {
        "query": query,
        "after": after,
        "before": before,
        "start": max(start, 0),
    }


def pager(page: tl.Page, start: int, query: Query) -> None:
    if page.prev_key is None and page.next_key is None:
        return
    nav = st.container(horizontal=True)
    nav.button(
        "← Anteriores",
        disabled=page.prev_key is None,
        on_click=_go,
        args=(query, None, page.prev_key, start - tl.PAGE_SIZE),
        key="tk_prev",
    )
    nav.button(
        "Próximos →",
        disabled=page.next_key is None,
        on_click=_go,
        args=(query, page.next_key, None, start + len(page.rows)),
        key="tk_next",
    )


def compact_top() -> None:
    """Beside an open ticket the page starts just under Streamlit's header (the detail needs
    the height), and the detail's heading is one size smaller."""
    st.html(
        "<style>[data-testid='stMainBlockContainer']{padding-top:4rem}"
        ".st-key-tk_detail h3{font-size:1.25rem}</style>"
    )
