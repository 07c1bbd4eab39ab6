"""One tab of Cadastros: a list's table (with the columns and hint below), its create form, and
the picker that opens one item to edit, switch off or switch back on."""

from __future__ import annotations

import streamlit as st

from lib.auth import User
from lib.domain import PRIORITY_LABELS
from lib.store import Store
from lib.usecases import catalogs
from ui import forms
from ui.catalogs.item import (
    create,
    edit,
    edit_prefix,
    flash_key,
    item_fields,
    new_form_name,
    toggle,
)
from ui.text import plain

# The columns each list shows, in order, with their pt-BR headers.
COLUMNS = {
    "subject": [
        ("name", "Nome"),
        ("description", "Descrição padrão"),
        ("department", "Departamento padrão"),
        ("priority", "Prioridade padrão"),
        ("login_required", "Login obrigatório"),
    ],
    "department": [("name", "Nome")],
    "canned_response": [("title", "Título"), ("body", "Mensagem")],
    "process": [("name", "Nome"), ("description", "Descrição")],
    "complementary_status": [("name", "Nome")],
}
HINTS = {
    "subject": "O assunto preenche a descrição do atendimento e traz o departamento e a "
    "prioridade. Com login obrigatório, o atendimento exige Login e Contrato.",
    "department": "Departamentos para onde os atendimentos são abertos e encaminhados.",
    "canned_response": "Mensagens prontas: escolhidas no atendimento, entram nas mensagens "
    "visíveis ao cliente na central do assinante.",
    "process": "Processos internos que o atendimento pode disparar (as ordens de serviço "
    "virão depois).",
    "complementary_status": "Status extras que o atendimento pode ter além do status do fluxo.",
}


def list_tab(store: Store, user: User, table: str) -> None:
    """The whole tab of list `table`."""
    info = catalogs.LISTS[table]
    st.caption(HINTS[table])
    flash = st.session_state.pop(flash_key(table), None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(plain(flash[1]))
    items = catalogs.list_all(store, user, table)
    dept_names = (
        {d["id"]: d["name"] for d in catalogs.list_all(store, user, "department")}
        if table == "subject"
        else {}
    )

    def cell(item: dict, col: str) -> object:
        if col == "department":
            return dept_names.get(item["department_id"], "—")
        if col == "priority":
            return PRIORITY_LABELS[item["priority"]]
        if col == "login_required":
            return "Sim" if item["login_required"] else "Não"
        return item[col]

    st.dataframe(
        [
            {
                **{label: cell(item, col) for col, label in COLUMNS[table]},
                "Situação": "Ativo" if item["active"] else "Desligado",
            }
            for item in items
        ],
        hide_index=True,
        key=f"cad_table_{table}",
    )

    with st.expander(f"Cadastrar {info.singular.split(' ', 1)[1]}", icon=":material/add:"):
        with st.form(new_form_name(table), border=False):
            item_fields(store, user, table, forms.form_prefix(new_form_name(table)), None)
            st.form_submit_button(
                "Cadastrar", type="primary", on_click=create, args=(store, user, table)
            )

    by_id = {item["id"]: item for item in items}
    chosen = st.selectbox(
        f"Editar ou desligar {info.singular.split(' ', 1)[1]}",
        list(by_id),
        index=None,
        format_func=lambda i: by_id[i][info.key] + ("" if by_id[i]["active"] else " (desligado)"),
        key=f"cad_pick_{table}",
        placeholder="Escolha na lista",
    )
    if chosen is None:
        return
    item = by_id[chosen]
    with st.form(f"cad_edit_{table}_{chosen}"):
        item_fields(store, user, table, edit_prefix(table, chosen), item)
        st.form_submit_button(
            "Salvar alterações", type="primary", on_click=edit, args=(store, user, table, chosen)
        )
    if item["active"]:
        st.button(
            "Desligar",
            key=f"cad_off_{table}_{chosen}",
            icon=":material/toggle_off:",
            on_click=toggle,
            args=(store, user, table, chosen, False),
            help="Some das opções dos formulários; os atendimentos antigos continuam com ele.",
        )
    else:
        st.button(
            "Religar",
            key=f"cad_on_{table}_{chosen}",
            icon=":material/toggle_on:",
            on_click=toggle,
            args=(store, user, table, chosen, True),
        )
