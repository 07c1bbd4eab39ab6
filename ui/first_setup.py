"""The login page's "Configuração inicial": on a real store where nobody can log in yet, the
first supervisor is created in the browser with the one-time code the server printed in its
log at start-up (lib.runtime). The command line (lib.admin) stays for a stopped server."""

from __future__ import annotations

import streamlit as st

from lib.domain import DomainError
from lib.usecases.users import load_user
from ui import errors, session
from ui.text import plain

ERROR = "fs_error"
_PASSWORDS = ("fs_password", "fs_password2")


def _submit() -> None:
    s = st.session_state
    rt = session.process()
    try:
        user_id = rt.create_first_supervisor(
            s.get("fs_code", ""),
            username=s.get("fs_username", ""),
            name=s.get("fs_name", ""),
            email=s.get("fs_email", ""),
            password=s.get("fs_password", ""),
            password_again=s.get("fs_password2", ""),
            client_address=session.client_address(),
        )
    except DomainError as exc:
        s[ERROR] = errors.refusal(exc)
    else:
        s.pop(ERROR, None)
        user = load_user(rt.store, user_id)
        if user is not None:
            session.sign_in(user)
    for key in _PASSWORDS:
        s[key] = ""


def form() -> None:
    rt = session.process()
    st.subheader("Configuração inicial")
    where = "no registro (log) do servidor"
    if rt.setup_file is not None:
        where += f" e no arquivo {rt.setup_file} (legível só pelo usuário do serviço)"
    st.info(
        plain(
            "Nenhum usuário cadastrado ainda. Crie aqui o primeiro supervisor. Para isso, informe "
            f"o código de configuração que o servidor mostrou ao iniciar, {where}. O código vale "
            "uma vez."
        ),
        icon=":material/key:",
    )
    left, _ = st.columns([1, 1])
    with left, st.form("first_setup"):
        st.text_input("Código de configuração", key="fs_code", placeholder="XXXX-XXXX-XXXX")
        st.text_input("Nome", key="fs_name", required=True)
        st.text_input(
            "Usuário",
            key="fs_username",
            required=True,
            help="Letras minúsculas, números, ponto, hífen.",
        )
        st.text_input("E-mail", key="fs_email")
        st.text_input(
            "Senha",
            type="password",
            key="fs_password",
            required=True,
            help="Pelo menos 8 caracteres.",
            autocomplete="new-password",
        )
        st.text_input(
            "Repita a senha",
            type="password",
            key="fs_password2",
            required=True,
            autocomplete="new-password",
        )
        st.form_submit_button(
            "Criar supervisor e entrar", type="primary", on_click=_submit, width="stretch"
        )
    if error := st.session_state.get(ERROR):
        left.error(plain(error))
    st.caption(
        "Com o servidor parado, o mesmo pode ser feito no terminal: "
        '`.venv/bin/python -m lib.admin create-supervisor --username SEU_USUARIO --name "Seu Nome"`'
    )
