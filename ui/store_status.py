"""What every page shows about the store itself: the DEMONSTRAÇÃO mark on a demo store."""

from __future__ import annotations

import streamlit as st

from ui import session

DEMO_LABEL = "DEMONSTRAÇÃO"


def demo_mark() -> None:
    """On a demo store, a mark at the top of every page and of the sidebar: its customers,
    tickets and users are made up (decided when the store was created, see lib.store)."""
    if not session.process().demo:
        return
    hint = "Base de demonstração: clientes, atendimentos e usuários fictícios."
    st.markdown(f":orange-badge[:material/science: {DEMO_LABEL}] {hint}")
    st.sidebar.markdown(f":orange-badge[:material/science: {DEMO_LABEL}]")
