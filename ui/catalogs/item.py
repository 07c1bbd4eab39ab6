"""One item of a Cadastros list: its editable fields, reading them back, and the callbacks that
create, edit and switch it off or on (each leaves a flash message for its list's tab)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.auth import User
from lib.domain import PRIORITY_LABELS, DomainError
from lib.store import Store
from lib.usecases import catalogs
from ui import errors, forms


def flash_key(table: str) -> str:
    """Where the last action on `table` leaves its message, until the tab shows it."""
    return f"cad_flash_{table}"


def new_form_name(table: str) -> str:
    """The create form of `table` (its widget keys: `forms.form_prefix` of this)."""
    return f"cad_new_{table}"


def edit_prefix(table: str, item_id: int) -> str:
    """The widget-key prefix of the edit form of one item."""
    return f"cad_edit_{table}_{item_id}_"


def departments(store: Store, user: User, current: int | None = None) -> dict[int, str]:
    """Active departments, plus the item's current one even if switched off."""
    items = catalogs.list_all(store, user, "department")
    return {
        d["id"]: d["name"] + ("" if d["active"] else " (desligado)")
        for d in items
        if d["active"] or d["id"] == current
    }


def item_fields(store: Store, user: User, table: str, prefix: str, item: dict | None) -> None:
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
        depts = departments(store, user, item.get("department_id"))
        current = item.get("department_id")
        left, mid, right = st.columns([2, 1, 1])
        left.selectbox(
            "Departamento padrão",
            list(depts),
            index=list(depts).index(current) if current in depts else None,
            format_func=forms.labels(depts),
            key=f"{prefix}department_id",
            placeholder="Escolha o departamento",
            required=True,
        )
        codes = list(PRIORITY_LABELS)
        mid.selectbox(
            "Prioridade padrão",
            codes,
            index=codes.index(item.get("priority", "M")),
            format_func=forms.labels(PRIORITY_LABELS),
            key=f"{prefix}priority",
            required=True,
        )
        right.checkbox(
            "Login obrigatório",
            value=bool(item.get("login_required", False)),
            key=f"{prefix}login_required",
        )


def item_values(table: str, prefix: str) -> dict[str, Any]:
    """What the fields of `item_fields` hold now, by field name."""
    names = {
        "subject": ("name", "description", "department_id", "priority", "login_required"),
        "department": ("name",),
        "canned_response": ("title", "body"),
        "process": ("name", "description"),
        "complementary_status": ("name",),
    }[table]
    return {n: st.session_state.get(f"{prefix}{n}") for n in names}


def _flash(table: str, kind: str, message: str) -> None:
    st.session_state[flash_key(table)] = (kind, message)


@errors.callback_guard
def create(store: Store, user: User, table: str) -> None:
    """on_click of Cadastrar: the create form is emptied only when the item was saved."""
    prefix = forms.form_prefix(new_form_name(table))
    try:
        catalogs.create(store, user, table, item_values(table, prefix))
    except DomainError as exc:
        _flash(table, "error", errors.refusal(exc))
        return
    name = st.session_state.get(f"{prefix}{catalogs.LISTS[table].key}", "").strip()
    forms.reset(new_form_name(table))
    _flash(table, "success", f"{name} cadastrado.")


@errors.callback_guard
def edit(store: Store, user: User, table: str, item_id: int) -> None:
    """on_click of Salvar alterações."""
    try:
        catalogs.edit(store, user, table, item_id, item_values(table, edit_prefix(table, item_id)))
    except DomainError as exc:
        _flash(table, "error", errors.refusal(exc))
        return
    _flash(table, "success", "Alterações salvas.")


@errors.callback_guard
def toggle(store: Store, user: User, table: str, item_id: int, active: bool) -> None:
    """on_click of Desligar (`active` False) and Religar (True)."""
    try:
        message = catalogs.set_active(store, user, table, item_id, active)
    except DomainError as exc:
        _flash(table, "error", errors.refusal(exc))
        return
    _flash(table, "success", message)
