"""The store (one per process), the logged-in user (per browser session, kept across reloads and
tabs by a cookie) and the client's address."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib import auth, config
from lib.auth import User, can
from lib.bootstrap import open_store
from lib.clientaddr import client_address as resolve_address
from lib.domain import now
from lib.store import Store
from lib.usecases import sessions
from ui import cookies

USER_KEY = "user_id"
TOKEN_KEY = "session_token"
_FORGET = "session_forget_cookie"  # set at "Sair": clear the browser's cookie on the next run


@st.cache_resource(show_spinner="Preparando a base de dados…")
def _store(path: str) -> Store:
    store = open_store(path)
    auth.dummy_hash()  # computed now, so the first login of an unknown name takes no longer
    return store


def store() -> Store:
    """The process's single DuckDB connection; every call takes its own cursor."""
    return _store(config.db_path())


def client_address() -> str | None:
    """Where this browser session connects from (X-Forwarded-For only from a trusted proxy)."""
    peer = st.context.ip_address
    forwarded = st.context.headers.get_all("X-Forwarded-For")
    if not isinstance(peer, str | None) or not isinstance(forwarded, list):
        return None  # no browser behind this run (AppTest)
    return resolve_address(
        peer, [f for f in forwarded if isinstance(f, str)], config.trusted_proxies()
    )


def current_user() -> User | None:
    """The logged-in user, checked again on every run: a session that was revoked (Sair in
    another tab, a password reset), has expired, or whose user was switched off ends at once.
    A tab opened or reloaded with a live session cookie is logged in without the form."""
    ss = st.session_state
    token = ss.get(TOKEN_KEY) or (None if ss.get(_FORGET) else cookies.sent())
    user = sessions.resume(store(), token, now()) if token else None
    if user is None:
        ss.pop(USER_KEY, None)
        ss.pop(TOKEN_KEY, None)
        return None
    ss[USER_KEY], ss[TOKEN_KEY] = user.id, token
    return replace(user, client_address=client_address())


def sync_cookie(user: User | None) -> None:
    """Keep the browser's cookie in step with the session: the token while logged in, nothing
    after "Sair" in this tab (each a small script, only when needed). A tab logged out because
    its token was revoked elsewhere leaves the cookie alone: the browser may hold a newer token
    by then, and a revoked one logs nobody in."""
    token = st.session_state.get(TOKEN_KEY)
    if user is not None and token and cookies.sent() != token:
        cookies.write(token, int(config.session_hours() * 3600))
    elif user is None and st.session_state.get(_FORGET):
        cookies.clear()


def sign_in(user: User) -> None:
    """Start a session for a user who just proved who they are (password or SSO)."""
    address = client_address()
    token = sessions.start(store(), user, now(), config.session_hours(), address)
    st.session_state[USER_KEY] = user.id
    st.session_state[TOKEN_KEY] = token
    st.session_state.pop(_FORGET, None)


def sign_out() -> None:
    sessions.end(store(), st.session_state.get(TOKEN_KEY), now())
    if getattr(st.user, "is_logged_in", False):
        st.logout()  # also end the single sign-on session
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_FORGET] = True


def require(permission: str) -> User:
    """Guard for the top of a page: stop with a pt-BR message when the user may not see it."""
    user = current_user()
    if user is None:
        st.warning("Entre no sistema para continuar.")
        st.stop()
    if not can(user, permission):
        st.error(f"O perfil {user.role_label} não tem acesso a esta página.")
        st.stop()
    return user
