"""What a user sees when something is refused or breaks, and the operator's log line for it
(lib.logs): both carry the same id, so support finds the line from what the user reports.

- `refusal(exc, ticket=...)`: a use-case's DomainError as the pt-BR message plus its id
  ("… (ref. R-1A2B3C4D)"), logged with the user, the page and the ticket. Callbacks store it
  for the page to show.
- `guard()`: the one error guard. What a block of the run did not expect becomes a pt-BR box
  with an id (E-…) and one log line, never a traceback. app.py runs its own part and, through
  `run_page`, every page inside it.
- `callback_guard`: widget callbacks run before the page, outside the guard; wrapped, their
  unexpected errors are logged the same way and shown on the page that follows.

`client.showErrorDetails = "none"` (.streamlit/config.toml) keeps Streamlit's own traceback and
English help links off the screen for anything that still escapes. Streamlit's control flow
(st.rerun, st.stop, st.switch_page) raises exceptions that derive from BaseException, not
Exception: they pass through untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec

import streamlit as st

from lib import logs
from lib.domain import DomainError
from ui import session
from ui.text import plain

PAGE_KEY = "errors_page"
PENDING = "errors_pending"  # messages from callbacks, shown by the next page run
P = ParamSpec("P")


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
        "Algo deu errado: ocorreu um erro inesperado. Tente de novo; se o erro continuar, "
        f"informe ao suporte o código {error_id} (o registro do servidor tem os detalhes)."
    )


@contextmanager
def guard() -> Iterator[None]:
    """Run a block of the page: a refusal nobody caught is shown as the user's pt-BR message,
    an unexpected error as a pt-BR message with its id; both are logged."""
    try:
        yield
    except DomainError as exc:
        st.error(plain(refusal(exc)), icon=":material/block:")
    except Exception as exc:  # control flow (rerun, stop, switch_page) is not an Exception
        st.error(plain(unexpected(exc)), icon=":material/error:")


def run_page(page: Any) -> None:
    """`page.run()` inside the guard, after what callbacks of this run could not show."""
    # the default page's address is "/": name it by its title (Início, Entrar)
    st.session_state[PAGE_KEY] = getattr(page, "url_path", "") or getattr(page, "title", "")
    for icon, text in st.session_state.pop(PENDING, []):
        st.error(plain(text), icon=icon)
    with guard():
        page.run()


def callback_guard(fn: Callable[P, Any]) -> Callable[P, None]:
    """Wrap a widget callback: a refusal or an unexpected error is logged and shown on the next
    page run."""

    @functools.wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except DomainError as exc:
            st.session_state.setdefault(PENDING, []).append((":material/block:", refusal(exc)))
        except Exception as exc:
            st.session_state.setdefault(PENDING, []).append((":material/error:", unexpected(exc)))

    return wrapped
