"""Login: user and password (argon2, lockout in lib.auth), optional single sign-on."""

import streamlit as st

from lib.auth import MAX_PASSWORD_INPUT, MAX_USERNAME_INPUT
from lib.domain import DomainError, PermissionDenied, now
from lib.usecases.signin import login
from lib.usecases.users import has_users, user_for_sso
from ui import errors, first_setup, session
from ui.text import plain

store = session.store()
st.title("Desconto em Fatura")
st.caption("Pedidos de desconto em fatura por interrupção do serviço · acesso da equipe")

# A new demo store is filled in the background (lib.runtime.DemoSeeder): its users are not there
# yet, but the form is shown at once and a login waits for the data (_submit).
demo_pending = session.process().demo_pending()
if demo_pending:
    st.info(
        "Preparando os dados de demonstração (alguns segundos). Você já pode entrar: o acesso "
        "é liberado assim que eles estiverem prontos.",
        icon=":material/hourglass_top:",
    )
elif not has_users(store):
    if session.process().needs_setup():
        first_setup.form()
        st.stop()
    st.warning(
        "Nenhum usuário cadastrado ainda. Com o servidor parado, na pasta do projeto, crie o "
        "primeiro supervisor com o comando abaixo, inicie o servidor e entre com ele:"
    )
    st.code(
        '.venv/bin/python -m lib.admin create-supervisor --username SEU_USUARIO --name "Seu Nome"'
    )
    st.stop()


@errors.callback_guard
def _submit() -> None:
    try:
        session.process().wait_for_demo()  # at once, unless a new demo store is being filled
        user = login(
            store,
            st.session_state.get("login_user", ""),
            st.session_state.get("login_password", ""),
            now(),
            session.client_address(),
        )
    except DomainError as exc:  # LoginRefused, or the demo's data not ready
        st.session_state["login_error"] = errors.refusal(exc)
    else:
        st.session_state.pop("login_error", None)
        session.sign_in(user)
    st.session_state["login_password"] = ""


left, _ = st.columns([1, 2])
with left:
    with st.form("login"):
        st.text_input(
            "Usuário", key="login_user", autocomplete="username", max_chars=MAX_USERNAME_INPUT
        )
        st.text_input(
            "Senha",
            type="password",
            key="login_password",
            autocomplete="current-password",
            max_chars=MAX_PASSWORD_INPUT,
        )
        st.form_submit_button("Entrar", type="primary", on_click=_submit, width="stretch")
    if error := st.session_state.get("login_error"):
        st.error(error)


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


if _sso_configured():
    with left:
        st.divider()
        if st.user.is_logged_in:
            try:
                session.process().wait_for_demo()
                session.sign_in(user_for_sso(store, st.user.get("email")))
                st.rerun()
            except PermissionDenied as exc:
                st.error(plain(errors.refusal(exc)))  # names the e-mail the provider sent
                st.button("Sair da conta do provedor", on_click=st.logout)
        else:
            st.button(
                "Entrar com a conta da empresa (SSO)", on_click=st.login, icon=":material/key:"
            )
