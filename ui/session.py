"""The store (one per process) and the logged-in user (per browser session)."""

from __future__ import annotations

import streamlit as st

from lib import config
from lib.auth import User, can
from lib.bootstrap import open_store
from lib.store import Store
from lib.usecases.users import load_user

USER_KEY = "user_id"


@st.cache_resource(show_spinner="Preparando a base de dados…")
def _store(path: str) -> Store:
    return open_store(path)


def store() -> Store:
    """The process's single DuckDB connection; every call takes its own cursor."""
    return _store(config.db_path())


def current_user() -> User | None:
    """The logged-in user, read again from the store on every run so that a switched-off user
    or a changed role takes effect at once."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    user = load_user(store(), user_id)
    if user is None or not user.active:
        st.session_state.pop(USER_KEY, None)
        return None
    return user


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user.id


def sign_out() -> None:
    if getattr(st.user, "is_logged_in", False):
        st.logout()  # also end the single sign-on session
    for key in list(st.session_state.keys()):
        del st.session_state[key]


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
