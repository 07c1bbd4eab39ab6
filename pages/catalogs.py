"""Cadastros: the lists the ticket forms choose from (supervisors only). Each list can be created,
edited and switched off; a switched-off item leaves the forms but stays on old tickets."""

from __future__ import annotations

import streamlit as st

from lib.auth import Perm, User
from lib.domain import PRIORITY_LABELS, DomainError
from lib.store import Store
from lib.usecases import catalogs
from ui import forms, session

user = session.require(Perm.MANAGE_SETTINGS)
store = session.store()

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


def _departments(current: int | None = None) -> dict[int, str]:
    """Active departments, plus the item's current one even if switched off."""
    items = catalogs.list_all(store, user, "department")
    return {
        d["id"]: d["name"] + ("" if d["active"] else " (desligado)")
        for d in items
        if d["active"] or d["id"] == current
    }


def _fields(table: str, prefix: str, item: dict | None) -> None:
    """The editable fields of one item (widget keys `prefix + field`)."""
    item = item or {}
    info = catalogs.LISTS[table]
    st.text_input(
        info.key_label, value=item.get(info.key, ""), key=f"{prefix}{info.key}", required=True
    )
    if table == "canned_response":
        st.text_area(
            "Mensagem",
            value=item.get("body", ""),
            key=f"{prefix}body",
            required=True,
            help="O texto que o cliente lê na central do assinante.",
        )
    if table == "process":
        st.text_input("Descrição", value=item.get("description", ""), key=f"{prefix}description")
    if table == "subject":
        st.text_input(
            "Descrição padrão",
            value=item.get("description", ""),
            key=f"{prefix}description",
            required=True,
        )
        depts = _departments(item.get("department_id"))
        current = item.get("department_id")
        left, mid, right = st.columns([2, 1, 1])
        left.selectbox(
            "Departamento padrão",
            list(depts),
            index=list(depts).index(current) if current in depts else None,
            format_func=depts.get,
            key=f"{prefix}department_id",
            placeholder="Escolha o departamento",
            required=True,
        )
        codes = list(PRIORITY_LABELS)
        mid.selectbox(
            "Prioridade padrão",
            codes,
            index=codes.index(item.get("priority", "M")),
            format_func=PRIORITY_LABELS.get,
            key=f"{prefix}priority",
            required=True,
        )
        right.checkbox(
            "Login obrigatório",
            value=bool(item.get("login_required", False)),
            key=f"{prefix}login_required",
        )


def _values(table: str, prefix: str) -> dict:
    names = {
        "subject": ("name", "description", "department_id", "priority", "login_required"),
        "department": ("name",),
        "canned_response": ("title", "body"),
        "process": ("name", "description"),
        "complementary_status": ("name",),
    }[table]
    return {n: st.session_state.get(f"{prefix}{n}") for n in names}


def _flash(table: str, kind: str, message: str) -> None:
    st.session_state[f"cad_flash_{table}"] = (kind, message)


def _create(store: Store, user: User, table: str) -> None:
    prefix = forms.form_prefix(f"cad_new_{table}")
    try:
        catalogs.create(store, user, table, _values(table, prefix))
    except DomainError as exc:
        _flash(table, "error", str(exc))
        return
    name = st.session_state.get(f"{prefix}{catalogs.LISTS[table].key}", "").strip()
    forms.reset(f"cad_new_{table}")
    _flash(table, "success", f"{name} cadastrado.")


def _edit(store: Store, user: User, table: str, item_id: int) -> None:
    try:
        catalogs.edit(store, user, table, item_id, _values(table, f"cad_edit_{table}_{item_id}_"))
    except DomainError as exc:
        _flash(table, "error", str(exc))
        return
    _flash(table, "success", "Alterações salvas.")


def _toggle(store: Store, user: User, table: str, item_id: int, active: bool) -> None:
    try:
        message = catalogs.set_active(store, user, table, item_id, active)
    except DomainError as exc:
        _flash(table, "error", str(exc))
        return
    _flash(table, "success", message)


def _list_tab(table: str) -> None:
    info = catalogs.LISTS[table]
    st.caption(HINTS[table])
    flash = st.session_state.pop(f"cad_flash_{table}", None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(flash[1])
    items = catalogs.list_all(store, user, table)
    dept_names = (
        {d["id"]: d["name"] for d in catalogs.list_all(store, user, "department")}
        if table == "subject"
        else {}
    )

    def cell(item: dict, col: str):
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
        with st.form(f"cad_new_{table}", border=False):
            _fields(table, forms.form_prefix(f"cad_new_{table}"), None)
            st.form_submit_button(
                "Cadastrar", type="primary", on_click=_create, args=(store, user, table)
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
        _fields(table, f"cad_edit_{table}_{chosen}_", item)
        st.form_submit_button(
            "Salvar alterações", type="primary", on_click=_edit, args=(store, user, table, chosen)
        )
    if item["active"]:
        st.button(
            "Desligar",
            key=f"cad_off_{table}_{chosen}",
            icon=":material/toggle_off:",
            on_click=_toggle,
            args=(store, user, table, chosen, False),
            help="Some das opções dos formulários; os atendimentos antigos continuam com ele.",
        )
    else:
        st.button(
            "Religar",
            key=f"cad_on_{table}_{chosen}",
            icon=":material/toggle_on:",
            on_click=_toggle,
            args=(store, user, table, chosen, True),
        )


st.title("Cadastros")
forms.required_note(
    "Campos marcados são obrigatórios. Itens desligados saem dos formulários, mas continuam "
    "nos atendimentos que já os usam."
)
tabs = st.tabs([catalogs.LISTS[t].title for t in COLUMNS])
for tab, table in zip(tabs, COLUMNS, strict=True):
    with tab:
        _list_tab(table)
