"""Novo atendimento: a ticket of any subject, field by field as the procedure's "Como criar um
atendimento" lists them. `?cliente=<id>` opens it for that customer (Cliente > Atendimentos > Novo).
"""

from __future__ import annotations

import streamlit as st

from lib.auth import Perm
from ui import forms, session
from ui.customer_picker import customer_picker
from ui.new_ticket.form import (
    department_field,
    department_options,
    id_fields,
    message_field,
    origin_field,
    preset_header,
    save_button,
    status_field,
    subject_fields,
    subject_options,
)
from ui.new_ticket.result import saved_panel
from ui.new_ticket.state import FORM_NAME, LAST, preset_customer
from ui.ticket_fields import TicketFields, date_guard

# every widget key of the form starts with this; new after a save
FORM = forms.form_prefix(FORM_NAME)

user = session.require(Perm.OPEN_TICKET)
store = session.store()

preset = preset_customer()
subjects = subject_options(store, user)
departments = department_options(store, user)

# --- the page ---------------------------------------------------------------------------------

st.title("Novo atendimento")
date_guard()  # a year 9999 typed never reaches the script: stop the save in the browser
if preset is not None:
    preset_header()
forms.required_note(
    "Campos marcados são obrigatórios. Pedidos de **DESCONTO EM FATURA** têm página própria, "
    "com o cálculo do período e do valor."
)
id_fields()

chosen_subject = subjects.get(st.session_state.get(f"{FORM}subject"))
login_required = bool(chosen_subject and chosen_subject["login_required"])

forms.idempotency_key(FORM)  # one key per ticket being filled, kept until a save succeeds
fields = TicketFields(store, user, FORM)
customer_picker(
    store,
    user,
    FORM,
    preset_customer_id=preset,
    login_required=login_required,
    after_links=lambda: subject_fields(FORM, subjects, departments),
    address_without_customer=True,
)

left, right = st.columns(2)
with left:
    fields.process()
with right:
    department_id = department_field(FORM, departments)
left, right = st.columns(2)
with left:
    fields.responsible(department_id)
with right:
    fields.priority(chosen_subject["priority"] if chosen_subject else "M", required=True)
fields.reserved()
left, right = st.columns(2)
with left:
    origin_field()
with right:
    fields.canned_response()
message_field(FORM)
left, right = st.columns(2)
with left:
    fields.pending_interaction(required=True)
with right:
    status_field()
fields.complementary_status()

save_button(store, user, preset)

last = st.session_state.get(LAST)
if last is not None:
    saved_panel(store, user, last)
