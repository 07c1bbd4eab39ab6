"""The discount request form's state: its session_state keys, what its widgets hold as a
`FormInput`, and the save button's on_click callback (validate, save, clear only on success)."""

from __future__ import annotations

from datetime import datetime
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


def _aware(value: datetime | None) -> datetime | None:
    """The widgets give naive local times: they are São Paulo times."""
    if value is None:
        return None
    return value.replace(tzinfo=TZ, second=0, microsecond=0) if value.tzinfo is None else value


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
    reason = ss.get(f"{key}reason")
    details, incident = _reason_details(key, reason)
    pending = bool(ss.get(f"{key}pending"))
    method = ss.get(f"{key}method") or rules.default_method
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
        preview = dr.preview(store, user, form, now)
        if preview.errors:
            raise DomainError(
                "Não foi salvo. Corrija: "
                + " ".join(f"{dr.field_label(f)}: {f.message}" for f in preview.errors)
            )
        opened = dr.submit(store, user, form, idem, now)
    except DomainError as exc:
        ss[SAVE_ERROR] = errors.refusal(exc)
        return
    name = (choice.customer or {}).get("name", "")
    ss[RESULT] = {
        "ticket_id": opened.ticket_id,
        "protocol": opened.protocol,
        "script": dr.customer_script(
            name, opened.protocol, preview.invoice_due_date, form.signal_pending
        ),
        "waiting": form.signal_pending,
    }
    ss.pop(SAVE_ERROR, None)
    forms.reset(FORM)


def show_save_error() -> None:
    """The last failed save's message, shown once."""
    error = st.session_state.pop(SAVE_ERROR, None)
    if error:
        st.error(plain(error), icon=":material/error:")
