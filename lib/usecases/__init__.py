"""Use-cases: what a person can do, one module per flow.

Every use-case takes the store and the acting user, checks the user's permission (lib.auth),
and runs as one transaction: it commits once, or writes nothing and raises a DomainError with
a pt-BR message. Every change of a ticket records a movement (who, when, from -> to, note), and
every update is conditional on the state the screen showed, so a stale screen never acts twice.

- opening: a ticket of any subject; discount_requests: a discount request, its preview and the
  signal's return; request_form: what only the request form knows (per-reason details, the text
  read to the customer).
- transitions: what ticket actions share; ticket_actions: assume, forward, message, pend,
  solve, cancel and the ticket's detail; finance: approve, reject, mark applied.
- ticket_list: filters, keyset pages and counts; ticket_view: what the detail panel shows and
  which actions it offers; bulk_actions: assume or approve a selection; ticket_export: CSV and
  XLSX of the filtered set; reports: the charts' figures.
- catalogs, lookups, customers, users, signin, settings: the lists, the customer search,
  staff, logging in and the discount rules.

Use-cases import the pure modules (lib.domain, lib.discount, lib.fmt, lib.auth) and lib.store,
never lib.demo, ui/ or Streamlit.
"""
