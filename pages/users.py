"""Supervisors manage staff users: create, change role, reset password, switch off."""

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import ROLE_LABELS, Perm, Role
from lib.domain import DomainError
from lib.usecases import lookups, users
from ui import errors, forms, session
from ui.text import plain

user = session.require(Perm.MANAGE_USERS)
store = session.store()
st.title("Usuários")
st.caption("Quem entra no sistema e com qual perfil. Senhas são guardadas só como hash (argon2).")

rows = users.list_users(store, user)
locked = users.locked_users(store, user)
st.dataframe(
    pd.DataFrame(
        {
            "Nome": [r["name"] for r in rows],
            "Usuário": [r["username"] for r in rows],
            "E-mail": [r["email"] or "" for r in rows],
            "Perfil": [ROLE_LABELS[Role(r["role"])] for r in rows],
            "Departamento": [r["department"] or "" for r in rows],
            "Ativo": [bool(r["active"]) for r in rows],
            "Pode entrar": [bool(r["can_login"]) for r in rows],
            "Bloqueado até": [
                fmt.day_time(locked[r["id"]]) if r["id"] in locked else "" for r in rows
            ],
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={  # every column visible at 1366 px ("Bloqueado até" was cut); hover reads all
        name: st.column_config.Column(width=px)
        for name, px in zip(
            ("Nome", "Usuário", "E-mail", "Perfil", "Departamento", "Ativo", "Pode entrar"),
            (150, 115, 180, 84, 110, 50, 84),
            strict=True,
        )
    }
    | {"Bloqueado até": st.column_config.Column(width=122)},
)

for kind, text in st.session_state.pop("users_flash", []):
    (st.success if kind == "ok" else st.error)(plain(text))


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault("users_flash", []).append((kind, text))


departments = {d["id"]: d["name"] for d in lookups.options(store, user, "department")}
roles = list(ROLE_LABELS)

new_tab, edit_tab = st.tabs(["Novo usuário", "Alterar usuário"])

with new_tab:

    @errors.callback_guard
    def _create() -> None:
        s = st.session_state
        if s["nu_password"] != s["nu_password2"]:
            _flash("erro", "Senha: as duas senhas não conferem.")
            return
        try:
            users.create_user(
                store,
                user,
                username=s["nu_username"],
                name=s["nu_name"],
                role=s["nu_role"],
                password=s["nu_password"],
                department_id=s["nu_department"],
                email=s["nu_email"] or None,
            )
        except DomainError as exc:
            _flash("erro", errors.refusal(exc))
            return
        _flash("ok", f"Usuário {s['nu_username'].strip().lower()} criado.")
        for k in ("nu_username", "nu_name", "nu_email", "nu_password", "nu_password2"):
            s[k] = ""

    forms.required_note()
    with st.form("new_user", clear_on_submit=False):
        c1, c2 = st.columns(2)
        c1.text_input("Nome", key="nu_name", required=True)
        c2.text_input(
            "Usuário",
            key="nu_username",
            required=True,
            help="Letras minúsculas, números, ponto, hífen.",
        )
        c1.text_input(
            "E-mail",
            key="nu_email",
            help="Usado no login pela conta da empresa (SSO), se configurado.",
        )
        c2.selectbox("Perfil", roles, format_func=lambda r: ROLE_LABELS[r], key="nu_role")
        c1.selectbox(
            "Departamento",
            list(departments),
            format_func=departments.get,
            index=None,
            key="nu_department",
            placeholder="Nenhum",
        )
        c2.text_input(
            "Senha",
            type="password",
            key="nu_password",
            required=True,
            help="Pelo menos 8 caracteres.",
        )
        c2.text_input("Repita a senha", type="password", key="nu_password2", required=True)
        st.form_submit_button("Criar usuário", type="primary", on_click=_create)

with edit_tab:
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(
        "Usuário",
        list(by_id),
        index=None,
        format_func=lambda i: f"{by_id[i]['name']} ({by_id[i]['username']})",
        key="eu_user",
        placeholder="Escolha o usuário",
    )
    if chosen is not None:
        target = by_id[chosen]

        @errors.callback_guard
        def _role() -> None:
            try:
                users.change_role(store, user, chosen, st.session_state["eu_role"])
                _flash("ok", f"Perfil de {target['username']} alterado.")
            except DomainError as exc:
                _flash("erro", errors.refusal(exc))

        @errors.callback_guard
        def _password() -> None:
            try:
                users.reset_password(store, user, chosen, st.session_state["eu_password"])
                _flash("ok", f"Senha de {target['username']} redefinida.")
                st.session_state["eu_password"] = ""
            except DomainError as exc:
                _flash("erro", errors.refusal(exc))

        @errors.callback_guard
        def _toggle() -> None:
            try:
                users.set_active(store, user, chosen, not target["active"])
                state = "reativado" if not target["active"] else "desativado"
                _flash("ok", f"Usuário {target['username']} {state}.")
            except DomainError as exc:
                _flash("erro", errors.refusal(exc))

        @errors.callback_guard
        def _unlock() -> None:
            try:
                users.unlock_user(store, user, chosen)
                _flash("ok", f"Usuário {target['username']} desbloqueado.")
            except DomainError as exc:
                _flash("erro", errors.refusal(exc))

        c1, c2, c3 = st.columns(3)
        with c1:
            st.selectbox(
                "Perfil",
                roles,
                index=roles.index(target["role"]),
                format_func=lambda r: ROLE_LABELS[r],
                key="eu_role",
            )
            st.button("Alterar perfil", on_click=_role, key="eu_role_btn")
        with c2:
            st.text_input("Nova senha", type="password", key="eu_password")
            st.button("Redefinir senha", on_click=_password, key="eu_password_btn")
            st.caption("Encerra as sessões abertas do usuário e retira o bloqueio de entrada.")
        with c3:
            st.write("Situação: **ativo**" if target["active"] else "Situação: **desativado**")
            st.button(
                "Desativar usuário" if target["active"] else "Reativar usuário",
                on_click=_toggle,
                key="eu_toggle_btn",
            )
            if chosen in locked:
                st.write(f"Entrada **bloqueada** até {fmt.day_time(locked[chosen])}")
                st.button("Desbloquear", on_click=_unlock, key="eu_unlock_btn")

st.caption("As tentativas de entrada e as alterações ficam no registro de **Auditoria**.")
