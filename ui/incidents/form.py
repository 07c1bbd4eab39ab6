"""Open and edit an incident (NOC, supervisor): reason, title, cause, start and scope. The
buttons save in their on_click callbacks (STYLE.md), the open with the form's idempotency key,
the edit bound to the version the screen showed."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from lib.auth import User
from lib.domain import REASONS, TZ, DomainError
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import incidents
from lib.usecases.incidents import SCOPE_KINDS, IncidentInput
from ui import errors, forms
from ui.ticket_fields import ANY_DATETIME_MAX, ANY_DATETIME_MIN

FORM = "inc"
FLASH = "incidents_flash"
SELECTED = "incidents_selected"


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


def _naive(value: datetime) -> datetime:
    return value.astimezone(TZ).replace(tzinfo=None, second=0, microsecond=0)


def _logins(text: str) -> list[str]:
    return [v for v in text.replace(",", "\n").replace(";", "\n").split("\n") if v.strip()]


def fields(store: Store, user: User, key: str, current: dict | None = None) -> None:
    """The incident's widgets under `key` (filled from `current` when editing). A closed
    incident's reason, start and scope are shown but no longer change."""
    ss = st.session_state
    locked = current is not None and current.get("ended_at") is not None
    if current is not None and f"{key}reason" not in ss:
        ss[f"{key}reason"] = current["reason"]
        ss[f"{key}title"] = current["title"]
        ss[f"{key}cause"] = current["cause"]
        ss[f"{key}start"] = _naive(current["started_at"])
        ss[f"{key}kind"] = current["scope_kind"]
        if current["scope_kind"] == "login":
            ss[f"{key}logins"] = "\n".join(current["scope"])
        else:
            ss[f"{key}values_{current['scope_kind']}"] = current["scope"]
    st.radio(
        "Motivo",
        [3, 4, 5],
        index=None,
        format_func=lambda c: f"{c}. {REASONS[c].label}",
        key=f"{key}reason",
        horizontal=True,
        disabled=locked,
    )
    st.text_input(
        "Título", key=f"{key}title", max_chars=120, placeholder="Ex.: rompimento na Av. Brasil"
    )
    st.text_area("Causa", key=f"{key}cause", height=68, max_chars=2000)
    ss.setdefault(f"{key}start", clock_now().replace(tzinfo=None, second=0, microsecond=0))
    st.datetime_input(
        "Início do incidente",
        value=None,
        key=f"{key}start",
        disabled=locked,
        format="DD/MM/YYYY",
        step=60,
        min_value=ANY_DATETIME_MIN,
        max_value=ANY_DATETIME_MAX,
    )
    ss.setdefault(f"{key}kind", "cto")  # the usual case: the boxes behind a cut cable
    kind = st.radio(
        "Abrangência",
        list(SCOPE_KINDS),
        format_func=lambda k: SCOPE_KINDS[k],
        key=f"{key}kind",
        horizontal=True,
        disabled=locked,
    )
    if kind == "login":
        st.text_area(
            "Logins PPPoE afetados",
            key=f"{key}logins",
            height=90,
            disabled=locked,
            placeholder="Um por linha (ou separados por vírgula)",
        )
    else:
        st.multiselect(
            SCOPE_KINDS[kind],
            incidents.scope_options(store, user, kind),
            key=f"{key}values_{kind}",
            placeholder="Escolha",
            disabled=locked,
        )
    if locked:
        st.caption(
            "Incidente encerrado: seus pedidos foram calculados com este motivo, este início e "
            "esta abrangência, que não mudam mais."
        )


def _input(key: str) -> IncidentInput:
    ss = st.session_state
    kind = ss.get(f"{key}kind") or "cto"
    values = (
        _logins(ss.get(f"{key}logins") or "")
        if kind == "login"
        else list(ss.get(f"{key}values_{kind}") or [])
    )
    return IncidentInput(
        reason=ss.get(f"{key}reason"),
        title=ss.get(f"{key}title") or "",
        cause=ss.get(f"{key}cause") or "",
        started_at=_aware(ss.get(f"{key}start")),
        scope_kind=kind,
        scope_values=values,
    )


@errors.callback_guard
def open_new(store: Store, user: User, key: str) -> None:
    try:
        incident_id = incidents.open_incident(store, user, _input(key), forms.idempotency_key(key))
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return
    st.session_state[FLASH] = ("ok", f"Incidente #{incident_id} aberto.")
    st.session_state[SELECTED] = incident_id
    forms.reset(FORM)


@errors.callback_guard
def save_edit(store: Store, user: User, key: str, incident_id: int, version: int) -> None:
    try:
        incidents.edit_incident(store, user, incident_id, _input(key), version)
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return
    st.session_state[FLASH] = ("ok", f"Incidente #{incident_id} alterado.")
    forms.clear(key)


def open_form(store: Store, user: User) -> None:
    key = forms.form_prefix(FORM)
    with st.expander("Abrir incidente", expanded=False, icon=":material/add_alert:"):
        fields(store, user, key)
        forms.idempotency_key(key)
        st.button(
            "Abrir incidente",
            key="incident_open",
            type="primary",
            on_click=open_new,
            args=(store, user, key),
        )
