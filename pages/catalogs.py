"""Cadastros: the lists the ticket forms choose from (supervisors only). Each list can be created,
edited and switched off; a switched-off item leaves the forms but stays on old tickets."""

from __future__ import annotations

import streamlit as st

from lib.auth import Perm
from lib.usecases import catalogs
from ui import forms, session
from ui.catalogs.tab import COLUMNS, list_tab

user = session.require(Perm.MANAGE_SETTINGS)
store = session.store()

st.title("Cadastros")
forms.required_note(
    "Campos marcados são obrigatórios. Itens desligados saem dos formulários, mas continuam "
    "nos atendimentos que já os usam."
)
tabs = st.tabs([catalogs.LISTS[t].title for t in COLUMNS])
for tab, table in zip(tabs, COLUMNS, strict=True):
    with tab:
        list_tab(store, user, table)
