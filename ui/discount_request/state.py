"""The discount request form's state: its session_state keys, what its widgets hold as a
`FormInput`, whether anyone has typed into it yet, the callbacks of its widgets (the Data
ocorrido follows the interruption's start) and the save button's on_click callback (validate,
save, clear only on success)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import streamlit as st

from lib.auth import User
from lib.discount import Rules
from lib.domain import TZ, DomainError
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import request_form as dr
from lib.usecases import settings
from lib.usecases.discount_requests import DiscountRequestInput
from lib.usecases.opening import TicketExtras
from ui import errors, forms
from ui.customer_picker import CustomerChoice
from ui.discount_request.result import RESULT
from ui.text import plain

FORM = "dr"  # forms.form_prefix(FORM) prefixes every widget key; forms.reset(FORM) empties it
SAVE_ERROR = "discount_request_save_error"
# Widgets that start empty: any value in one means someone has typed into the form.
_TYPED = (
    "q",
    "customer",
    "reason",
    "returned_at",
    "pending",
    "opa",
    "description",
    "message",
)


def _aware(value: datetime | None) -> datetime | None:
    """The widgets give naive local times: they are São Paulo times."""
    if value is None:
        return None
    return value.replace(tzinfo=TZ, second=0, microsecond=0) if value.tzinfo is None else value


def touch(key: str) -> None:
    """on_change of a widget that starts filled in (the dates): the form has been typed into."""
    st.session_state[f"{key}touched"] = True


def touched(key: str) -> bool:
    """Whether anyone has typed into the form: until then it shows no list of errors."""
    ss = st.session_state
    return bool(ss.get(f"{key}touched")) or any(
        ss.get(f"{key}{name}") not in (None, "", False) for name in _TYPED
    )


def follow_start(key: str) -> None:
    """on_change of the opening time, the incident's start and the reason: when the
    interruption now starts on an earlier day than the Data ocorrido, the Data ocorrido
    follows it (the deadline counts from the day it happened)."""
    touch(key)
    ss = st.session_state
    day = _start_day(key)
    before = ss.get(f"{key}start_day")
    occurred = ss.get(f"{key}occurred_on")
    if day is None or occurred is None or (before is not None and day >= before):
        return
    if day < occurred:
        ss[f"{key}occurred_on"] = day
    ss[f"{key}start_day"] = day


def _start_day(key: str) -> date | None:
    """The day the interruption starts, as the widgets hold it (naive São Paulo times)."""
    ss = st.session_state
    opened = ss.get(f"{key}opened_at")
    incident = ss.get(f"{key}r35_start") if ss.get(f"{key}reason") in (3, 4, 5) else None
    starts = [d for d in (opened, incident) if isinstance(d, datetime)]
    return min(starts).date() if starts else None


def forget_result() -> None:
    """The last save's notice goes once a new customer is picked: its protocol is another
    customer's."""
    st.session_state.pop(RESULT, None)


def _reason_details(key: str, reason: int | None) -> tuple[dict[str, Any], datetime | None]:
    ss = st.session_state
    if reason == 1:
        return {
            "booked_visit_date": ss.get(f"{key}r1_booked"),
            "new_visit_date": ss.get(f"{key}r1_new"),
        }, None
    if reason == 2:
        details = {
            "visit_finding": ss.get(f"{key}r2_found"),
            "visit_date": ss.get(f"{key}r2_visit"),
        }
        if details["visit_finding"] == "outro":
            details["visit_finding_other"] = (ss.get(f"{key}r2_other") or "").strip()
        return details, None
    if reason in (3, 4, 5):
        name = (ss.get(f"{key}r35_incident") or "").strip()
        return ({"incident": name} if name else {}), _aware(ss.get(f"{key}r35_start"))
    return {}, None


def form_from_state(
    key: str, choice: CustomerChoice, extras: TicketExtras, rules: Rules
) -> dr.FormInput:
    """What the widgets hold now (read from session_state, so the save callback sees the last
    keystrokes too). The customer block and the extras are selectboxes: they rerun at once."""
    ss = st.session_state
    ss[f"{key}start_day"] = _start_day(key)  # what follow_start compares a change with
    reason = ss.get(f"{key}reason")
    details, incident = _reason_details(key, reason)
    pending = bool(ss.get(f"{key}pending"))
    method = ss.get(f"{key}method") or rules.default_method
    confirmed = bool(ss.get(f"{key}confirm"))
    released = bool(ss.get(f"{key}overlap_ok"))
    data = DiscountRequestInput(
        customer_id=choice.customer_id,
        login_id=choice.login_id,
        contract_id=choice.contract_id,
        reason=reason,
        occurred_on=ss.get(f"{key}occurred_on"),
        opened_at=_aware(ss.get(f"{key}opened_at")),
        signal_returned_at=None if pending else _aware(ss.get(f"{key}returned_at")),
        opa_protocol=ss.get(f"{key}opa") or "",
        description=ss.get(f"{key}description") or "",
        message=ss.get(f"{key}message") or "",
        reason_details=details,
        incident_started_at=incident,
        method=None if method == rules.default_method else method,
        address=choice.address,
        extras=extras,
        confirmation_reason=(ss.get(f"{key}confirm_reason") or "") if confirmed else "",
        overlap_override_reason=(ss.get(f"{key}overlap_reason") or "") if released else "",
        incident_id=ss.get(f"{key}incident_id"),
    )
    return dr.FormInput(data, signal_pending=pending)


def save(store: Store, user: User, choice: CustomerChoice, extras: TicketExtras, key: str) -> None:
    """on_click: validate, save, and clear the form only when the save succeeded. `key` is the
    form's widget-key prefix of the run that drew the button."""
    ss = st.session_state
    if ss.get(RESULT) and ss.get(f"{key}customer") is None:
        return  # the second click of a double click lands on the form the first one cleared
    rules = settings.current(store, user)
    form = form_from_state(key, choice, extras, rules)
    idem = forms.idempotency_key(key)
    try:
        now = clock_now()
        opened = dr.submit(store, user, form, idem, now)
        due = dr.preview(store, user, form, now).invoice_due_date  # for the script
    except DomainError as exc:
        ss[SAVE_ERROR] = errors.refusal(exc)
        return
    name = (choice.customer or {}).get("name", "")
    ss[RESULT] = {
        "ticket_id": opened.ticket_id,
        "protocol": opened.protocol,
        "script": dr.customer_script(name, opened.protocol, due, form.signal_pending),
        "waiting": form.signal_pending,
    }
    ss.pop(SAVE_ERROR, None)
    forms.reset(FORM)


def show_save_error() -> None:
    """The last failed save's message, shown once."""
    error = st.session_state.pop(SAVE_ERROR, None)
    if error:
        st.error(plain(error), icon=":material/error:")
