"""The process's store (with its backups and first-start state, lib.runtime), the logged-in user
(per browser session, kept across reloads and tabs by a cookie) and the client's address.

When the store cannot be opened (another process holds it, it is not this app's), every page
shows why instead of the app (`process`)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib import config, runtime
from lib.auth import User, can
from lib.clientaddr import client_address as resolve_address
from lib.domain import now
from lib.store import Store
from lib.store.opening import StoreInUse, StoreUnavailable
from lib.usecases import sessions
from ui import cookies
from ui.text import plain

USER_KEY = "user_id"
TOKEN_KEY = "session_token"
_FORGET = "session_forget_cookie"  # set at "Sair": clear the browser's cookie on the next run


@st.cache_resource(show_spinner="Preparando a base de dados…")
def _runtime(path: str) -> runtime.Runtime:
    return runtime.start(path)  # once per process: `python -m ui.launcher` may have done it


def process() -> runtime.Runtime:
    """The process's store, backups and first-start state. When the store cannot be opened
    (another process holds it, or it is not this app's), every page shows why, in pt-BR, and
    tries again on the next run."""
    try:
        return _runtime(config.db_path())
    except StoreUnavailable as exc:
        _unavailable(exc)
        raise  # _unavailable stops the run


def _unavailable(exc: StoreUnavailable) -> None:
    """The page a server shows instead of the app when it cannot open the store, e.g. a second
    server started on a file the first one holds (its /_stcore/health still answers ok). It owns
    the navigation, so Streamlit does not list the pages/ folder, and answers every address."""
    from ui.navigation import LOGIN_PAGE, PAGES

    def show() -> None:
        _explain(exc)

    pages = [st.Page(show, title="Desconto em Fatura", url_path="indisponivel", default=True)]
    pages += [
        st.Page(show, title=spec.title, url_path=spec.url_path, visibility="hidden")
        for spec in [*PAGES, LOGIN_PAGE]
    ]
    st.navigation(pages, position="hidden").run()
    st.stop()


def _explain(exc: StoreUnavailable) -> None:
    st.title("Desconto em Fatura")
    if isinstance(exc, StoreInUse):
        who = f"o processo {exc.pid}" if exc.pid else "outro processo"
        if exc.program:
            who += f" ({exc.program})"
        st.error(
            plain(
                f"A base de dados {exc.path} está em uso por outro processo ({who}). Este "
                "servidor não pode abri-la: o DuckDB deixa um só processo usar o arquivo."
            ),
            icon=":material/lock:",
        )
        st.info(
            "Use o servidor que já está rodando (o endereço de sempre). Se este servidor foi "
            "iniciado por engano, pare-o; se o outro processo deveria estar parado, pare-o e "
            "clique em Tentar de novo."
        )
    else:
        st.error(plain(str(exc)), icon=":material/error:")
    st.button("Tentar de novo", icon=":material/refresh:", key="store_retry")


def store() -> Store:
    """The process's single DuckDB connection; every call takes its own cursor."""
    return process().store


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
