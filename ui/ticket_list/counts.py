"""The Atendimentos count matrix: tickets by status and department over the filtered set, each
count a button that narrows the filters to its own cell, row or column.

The matrix sits in an expander, collapsed by default, that tracks its state: the matrix is
counted and its 40-odd buttons built only while it is open; closed, the page counts only the
total its label shows (the buttons cost about a fifth of a warm rerun, and counting by status
and department 80 ms of CPU at 10M against under 1 ms for the total; issue 17). Opening it
reruns the page, which then counts and draws it."""

from __future__ import annotations

import streamlit as st

from lib import fmt
from lib.domain import STATUS_LABELS, Status
from lib.usecases import ticket_list as tl
from ui.text import plain
from ui.ticket_list.filters import pick_cell

OPEN = "tk_counts_open"  # the expander's state (True while open)


def render(matrix: tl.Matrix | None, total: int) -> None:
    """The expander, labelled with the total; the matrix inside while it is open (`matrix` is
    None when the page did not count it: the expander was closed when the run began)."""
    box = st.expander(
        f"Contagem por status e departamento · {fmt.number(total, 0)}",
        key=OPEN,
        on_change="rerun",
    )
    if not box.open or matrix is None:
        return
    with box:
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
                cols[0].markdown(plain(name))
                for i, s in enumerate(matrix.statuses, start=1):
                    n = matrix.get(s, dept_id)
                    cols[i].button(
                        fmt.number(n, 0),
                        key=f"tk_cell_{s}_{dept_id}",
                        type="tertiary",
                        disabled=n == 0,
                        on_click=pick_cell,
                        args=(s, dept_id),
                        help=f"{STATUS_LABELS[Status(s)]} em {plain(name)}",
                    )
                cols[-1].button(
                    f"**{fmt.number(matrix.row_total(dept_id), 0)}**",
                    key=f"tk_cell_all_{dept_id}",
                    type="tertiary",
                    on_click=pick_cell,
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
                    on_click=pick_cell,
                    args=(s, None),
                )
            cols[-1].markdown(f"**{fmt.number(matrix.total, 0)}**")
