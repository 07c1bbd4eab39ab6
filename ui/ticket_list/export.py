"""Export of the whole filtered Atendimentos list: a button prepares the CSV and XLSX files
(kept in session key `tk_export` with the query they were made for), then two downloads."""

from __future__ import annotations

import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import DomainError
from lib.store import Store
from lib.usecases import ticket_export
from lib.usecases import ticket_list as tl
from ui import errors
from ui.ticket_list.filters import Query


def _prepare(store: Store, user: User, filters: tl.Filters, query: Query) -> None:
    ss = st.session_state
    try:
        frame = ticket_export.export_frame(store, user, filters)
    except DomainError as exc:
        ss["tk_export"] = {"query": query, "error": errors.refusal(exc)}
        return
    ss["tk_export"] = {
        "query": query,
        "rows": len(frame),
        "csv": ticket_export.export_csv(frame),
        "xlsx": ticket_export.export_xlsx(frame),
    }


def panel(store: Store, user: User, filters: tl.Filters, query: Query, total: int) -> None:
    """The export expander; the files shown are only those prepared for these filters."""
    with st.expander("Exportar o resultado filtrado"):
        st.button(
            f"Preparar arquivos ({fmt.number(total, 0)} atendimentos)",
            key="tk_export_prepare",
            on_click=_prepare,
            args=(store, user, filters, query),
            icon=":material/download:",
        )
        export = st.session_state.get("tk_export")
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
