"""Everything below the pages; nothing in lib/ imports Streamlit or ui/.

The folders are the layers, and imports only point down the list:

- lib.admin, lib.bootstrap, lib.runtime, lib.config, lib.logs: entry points and wiring (the
  admin command, opening the store at start-up, the server process's backups and shutdown, the
  environment's settings, the operator's log).
- lib.demo: generated data (the demo ISP, large stores for benchmarks). Uses the use-cases and
  the store; nothing below imports it.
- lib.usecases: one module per flow (opening, ticket actions, finance decisions, the ticket
  list, reports, catalogs, users, settings, ...). Each use-case checks the acting user's
  permission and runs as one transaction.
- lib.store: the only package that speaks SQL (DuckDB, migrations). Imports only lib.domain.
- lib.domain, lib.discount, lib.fmt, lib.auth: pure rules with no I/O: codes and state
  machines, the discount engine, pt-BR formatting, roles, permissions and passwords.

tests/unit/test_layers.py enforces the direction of the arrows and the absence of cycles.
"""
