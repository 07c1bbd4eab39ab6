"""Atendimentos: every ticket, filtered (filters live in the URL, each active one a removable
chip), counted by status and department, paged by key in the store; the open ticket's detail
and actions beside the list, from the top of the page, moving on to the next after each
decision; bulk actions; export of the whole filtered set."""

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

# --- a ticket open (clicked in the table as last drawn, or ?id=): the list goes to the left ----
target = listing.clicked()
main, side = listing.columns(target)

with main:
    st.title("Atendimentos")
    # --- filters <-> query string, and each active filter as a chip ---------------------------
    from_url = filtering.from_url(options)
    counts_slot = filtering.widgets(options, narrow=side is not None)
    filters = filtering.current()
    query = filtering.to_url(filters, from_url)
    labels = filtering.chips(filters, options)

    # --- bulk actions queued by the buttons below (run before the list, which shows them) -----
    bulk.run_queued(store, user)
    bulk.summary()

    # --- one page of the list and the counts (refused filters stop here, nothing queried) -----
    browsed = listing.browse(store, user, filters, query)
    if browsed is None:
        st.stop()
    page, matrix, start = browsed
    with counts_slot:
        counts.render(matrix, page.total)

    # --- the open ticket: after a decision on it, the next one of the list --------------------
    open_id = listing.open_ticket(store, user, page, query, target)
    if side is None:
        listing.moved_notice()
    selected = listing.table(page, start, open_id, labels)
    listing.pager(page, start, query)
    if selected:
        bulk.actions(user, selected)
    if can(user, Perm.EXPORT):
        export.panel(store, user, filters, query, page.total)

if side is None:
    ticket_detail.show_flash()
else:
    with side:
        listing.compact_top()
        listing.moved_notice()
        if open_id is not None:
            ticket_detail.render(store, user, open_id)
        else:
            ticket_detail.show_flash()
            more = " Clique numa linha da lista para abrir." if page.rows else ""
            st.info(f"Nenhum atendimento aberto.{more}")
