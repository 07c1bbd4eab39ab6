"""What a user sees when something is refused or breaks, and the operator's log line for it
(lib.logs): both carry the same id.

- `refusal(exc, ticket=...)`: a use-case's DomainError as the pt-BR message plus its id
  ("… (ref. R-1A2B3C4D)"), logged with the user, the page and the ticket. Callbacks store it
  for the page to show, as they stored `str(exc)` before.
- `run_page(page)`: runs the navigation's page; an unexpected exception becomes a pt-BR box
  with an id (E-…) instead of Streamlit's English traceback, and one log line.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import logs
from lib.domain import DomainError
from ui import session
from ui.text import plain

PAGE_KEY = "errors_page"


def _page() -> str | None:
    """The address of the page on screen (/atendimentos): run_page records it on every run, so
    a widget's callback, which runs before the page, finds the page the widget is on."""
    page = st.session_state.get(PAGE_KEY)
    return None if page is None else f"/{page}"


def _user() -> str | None:
    try:
        user = session.current_user()
    except Exception:
        return None
    return user.username if user else None


def refusal(exc: DomainError, *, ticket: int | None = None) -> str:
    """Log the refusal and return the message the user sees, with its id."""
    error_id = logs.new_error_id("R")
    logs.refusal(error_id, str(exc), user=_user(), page=_page(), ticket=ticket)
    return f"{exc} (ref. {error_id})"


def unexpected(exc: BaseException, *, ticket: int | None = None) -> str:
    """Log an unexpected error and return the pt-BR text to show instead of the traceback."""
    error_id = logs.new_error_id("E")
    logs.unexpected(error_id, exc, user=_user(), page=_page(), ticket=ticket)
    return (
        f"Ocorreu um erro inesperado e nada foi salvo desta ação. Informe ao suporte o código "
        f"{error_id} (o registro do servidor tem os detalhes)."
    )


def run_page(page: Any) -> None:
    """`page.run()`, with an unexpected error shown as a pt-BR message and its id.
    st.stop and st.rerun pass through (they are not Exceptions)."""
    # the default page's address is "/": name it by its title (Início, Entrar)
    st.session_state[PAGE_KEY] = getattr(page, "url_path", "") or getattr(page, "title", "")
    try:
        page.run()
    except DomainError as exc:  # a refusal no block caught: still the user's pt-BR message
        st.error(plain(refusal(exc)), icon=":material/block:")
    except Exception as exc:
        st.error(plain(unexpected(exc)), icon=":material/error:")
