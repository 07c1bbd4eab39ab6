"""The store (one per process) and the logged-in user (per browser session)."""

from __future__ import annotations

import streamlit as st

from lib import config, runtime
from lib.auth import User, can
from lib.store import Store
from lib.store.opening import StoreInUse, StoreUnavailable
from lib.usecases.users import load_user
from ui.text import plain

USER_KEY = "user_id"


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
