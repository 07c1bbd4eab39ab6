"""Unexpected errors: logged with an id, shown in Portuguese with that id, never as a traceback.

`client.showErrorDetails = "none"` (.streamlit/config.toml) keeps Streamlit from showing
tracebacks and its English help links. On top of it, app.py runs every page inside `page_guard`,
which catches what a page did not expect, writes the traceback to the server log under a short
error id and shows the user a pt-BR message with the same id, so support can find the log line.
Widget callbacks run before the page, outside that guard: `callback_guard` wraps one so its
failure is logged the same way and shown on the page that follows.

Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises exceptions that derive
from BaseException, not Exception: they pass through untouched.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec

import streamlit as st

log = logging.getLogger("desconto")
if not log.handlers:  # the server's log: standard error, with the time
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.propagate = False
PENDING = "error_ids"  # errors caught in callbacks, shown on the next page run
P = ParamSpec("P")


def message(error_id: str) -> str:
    return (
        "Algo deu errado ao mostrar esta página. Tente de novo; se o erro continuar, "
        f"informe ao suporte o código **{error_id}**."
    )


def report(exc: BaseException, where: str) -> str:
    """Log the traceback under a new error id; returns the id."""
    error_id = secrets.token_hex(4).upper()
    log.error("erro %s em %s: %s", error_id, where, type(exc).__name__, exc_info=exc)
    return error_id


@contextmanager
def page_guard(where: str) -> Iterator[None]:
    for error_id in st.session_state.pop(PENDING, []):
        st.error(message(error_id), icon=":material/error:")
    try:
        yield
    except Exception as exc:  # control flow (rerun, stop, switch_page) is not an Exception
        st.error(message(report(exc, where)), icon=":material/error:")


def callback_guard(fn: Callable[P, Any]) -> Callable[P, None]:
    """Wrap a widget callback: an unexpected error is logged and shown on the next run."""

    @functools.wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as exc:
            error_id = report(exc, getattr(fn, "__qualname__", "callback"))
            st.session_state.setdefault(PENDING, []).append(error_id)

    return wrapped
