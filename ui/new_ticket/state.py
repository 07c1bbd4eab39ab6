"""The "Novo atendimento" form's state: its session_state keys, the `?cliente=` preset, and the
callbacks of its widgets (subject defaults, Salvar, Assumir, Escolher outro cliente)."""

from __future__ import annotations

import streamlit as st

from lib.auth import User
from lib.domain import DomainError
from lib.store import Store
from lib.usecases import opening, ticket_actions
from lib.usecases.opening import TicketExtras, TicketInput
from ui import errors, forms
from ui.customer_picker import chosen_ids

FORM_NAME = "nt"  # forms.form_prefix(FORM_NAME) prefixes every widget key; new after a save
LAST = "novo_last"  # the ticket just saved (kept after the form is cleared)
ERROR = "novo_error"
FLASH = "novo_flash"
PRESET = "novo_cliente"


def preset_customer() -> int | None:
    """`?cliente=<id>` (Cliente > Atendimentos > Novo). Kept in the session: Streamlit drops the
    query string on later reruns, and the customer must stay filled until the attendant changes it."""
    raw = st.query_params.get("cliente")
    if raw:
        try:
            st.session_state[PRESET] = int(raw)
        except ValueError:
            st.session_state.pop(PRESET, None)
    return st.session_state.get(PRESET)


def other_customer() -> None:
    """on_click of "Escolher outro cliente": forget the preset and empty the customer."""
    st.session_state.pop(PRESET, None)
    st.query_params.clear()
    st.session_state[forms.form_prefix(FORM_NAME) + "customer"] = None


def on_subject(subjects: dict[int, dict], departments: dict[int, dict]) -> None:
    """Choosing a subject fills the description and brings its department and priority."""
    form = forms.form_prefix(FORM_NAME)
    subject_id = st.session_state.get(f"{form}subject")
    subject = subjects.get(subject_id) if subject_id is not None else None
    if subject is None:
        return
    st.session_state[f"{form}description"] = subject["description"]
    if subject["department_id"] in departments:
        st.session_state[f"{form}department"] = subject["department_id"]
    # set, not deleted: the browser keeps showing a widget's old value unless the server sets it
    st.session_state[f"{form}priority"] = subject["priority"]


def save(store: Store, user: User, preset: int | None) -> None:
    """on_click of Salvar: open the ticket, and clear the form only when the save succeeded."""
    state = st.session_state
    form = forms.form_prefix(FORM_NAME)
    chosen = chosen_ids(form, preset)
    data = TicketInput(
        subject_id=state.get(f"{form}subject"),
        department_id=state.get(f"{form}department"),
        customer_id=chosen.customer_id,
        login_id=chosen.login_id,
        contract_id=chosen.contract_id,
        subject_description=state.get(f"{form}description") or "",
        message=state.get(f"{form}message") or "",
        origin="I",
        address=chosen.address,
        extras=TicketExtras(
            priority=state.get(f"{form}priority") or "M",
            responsible_id=state.get(f"{form}responsible"),
            reserved_date=state.get(f"{form}reserved_date"),
            best_time=state.get(f"{form}best_time"),
            pending_interaction=state.get(f"{form}pending") or "N",
            canned_response_id=state.get(f"{form}canned"),
            process_id=state.get(f"{form}process"),
            complementary_status_id=state.get(f"{form}complementary"),
        ),
    )
    try:
        opened = opening.open_ticket(store, user, data, forms.idempotency_key(form))
    except DomainError as exc:
        state[ERROR] = errors.refusal(exc)
        return
    forms.reset(FORM_NAME)
    state.pop(ERROR, None)
    state.pop(FLASH, None)
    state[LAST] = opened.ticket_id


def assume(store: Store, user: User, ticket_id: int, status: str) -> None:
    """on_click of Assumir on the saved ticket; its outcome is flashed on the saved panel."""
    try:
        done = ticket_actions.assume(store, user, ticket_id, expected_status=status)
    except DomainError as exc:
        st.session_state[FLASH] = (ticket_id, "error", errors.refusal(exc, ticket=ticket_id))
        return
    st.session_state[FLASH] = (ticket_id, "success", done.message)
