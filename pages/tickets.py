"""Atendimentos: every ticket, filtered (filters live in the URL), counted by status and
department, paged by key in the store; a selected row's detail and actions; bulk Assumir and
Aprovar; export of the whole filtered set."""

import streamlit as st

from lib.auth import Perm, can
from lib.usecases import ticket_list as tl
from ui import session, ticket_detail
from ui.ticket_list import bulk, counts, export
from ui.ticket_list import filters as filtering
from ui.ticket_list import table as listing

user = session.require(Perm.READ_TICKETS)
store = session.store()
options = tl.filter_options(store, user)

st.title("Atendimentos")

# --- filters <-> query string -----------------------------------------------------------------
from_url = filtering.from_url(options)
filtering.widgets(options)
filters = filtering.current()
query = filtering.to_url(filters, from_url)

# --- bulk actions queued by the buttons below (run before the list, which then shows them) -----
bulk.run_queued(store, user)
bulk.summary()

# --- counts by status x department (each cell filters to itself) -------------------------------
page, matrix, start = listing.browse(store, user, filters, query)
counts.render(matrix)

# --- the page of the list ----------------------------------------------------------------------
selected, table_key = listing.table(page, start)
listing.pager(page, start, query)

# --- bulk -------------------------------------------------------------------------------------
if selected:
    bulk.actions(user, selected)

# --- export -----------------------------------------------------------------------------------
if can(user, Perm.EXPORT):
    export.panel(store, user, filters, query, page.total)

# --- detail of the selected ticket (or ?id=, so other pages can link here) -----------------------
detail_id = listing.detail_target(selected, table_key)
if detail_id is not None:
    ticket_detail.render(store, user, detail_id)
else:
    ticket_detail.show_flash()
    if len(selected) > 1:
        st.caption("Selecione uma só linha para ver o atendimento e as ações.")
    else:
        st.caption("Selecione uma linha para ver o atendimento, o histórico e as ações.")
