"""Desconto em fatura: the attendant's request form, with a live preview beside it.

No st.form: the preview must follow every change. Saving happens in the button's on_click
callback (STYLE.md): it reads the widgets' state, saves through the use-case with the form's
idempotency key, and clears the form (new widget keys) only after a successful save. The saved
request's protocol shows in the sticky side column, beside the button that was just clicked,
until a new customer is picked.
"""

from __future__ import annotations

import streamlit as st

from lib.auth import Perm
from lib.domain import FINANCE_DEPARTMENT
from lib.usecases import lookups, settings
from lib.usecases import request_form as dr
from ui import forms, session
from ui.customer_picker import customer_picker
from ui.discount_request import fields as request_fields
from ui.discount_request import state as request_state
from ui.discount_request.incident import incident_block
from ui.discount_request.preview import show_preview
from ui.discount_request.result import show_result
from ui.ticket_fields import TicketFields, date_guard

K = forms.form_prefix(request_state.FORM)  # every widget of this form; forms.reset empties it

user = session.require(Perm.OPEN_DISCOUNT)
store = session.store()
rules = settings.current(store, user)

st.title("Desconto em fatura")
date_guard()  # a year 9999 typed never reaches the script: stop the save in the browser

form_col, preview_col = st.columns([3, 2], gap="large")
with form_col:
    st.subheader("1. Cliente")
    choice = customer_picker(store, user, K)
    if choice.customer_id is not None:
        request_state.forget_result()  # the notice names the previous customer's protocol
        st.page_link(  # issue 14: the customer's record (contracts, tickets, discounts)
            "pages/customers.py",
            label="Ver cadastro do cliente",
            icon=":material/person_search:",
            query_params={"id": str(choice.customer_id)},
        )
    incident_block(store, user, K, choice.login_id)  # an open or recent incident of the login
    st.subheader("2. Motivo")
    request_fields.reason_block(K)
    st.subheader("3. Datas e horas")
    request_fields.times_block(K)
    st.subheader("4. Protocolo e descrição")
    request_fields.text_block(K, rules)
    st.subheader("5. Método de cálculo")
    request_fields.method_block(K, user, rules)
    finance = next(
        (
            d["id"]
            for d in lookups.options(store, user, "department")
            if d["name"] == FINANCE_DEPARTMENT
        ),
        None,
    )
    with st.expander("Mais campos do atendimento", expanded=False):
        extras = TicketFields(store, user, f"{K}x_").extras_block(finance)

form = request_state.form_from_state(K, choice, extras, rules)
preview = dr.preview(store, user, form)
forms.idempotency_key(K)  # created now, kept until the form is cleared after a save
st.html(  # keep the preview in sight while the attendant scrolls through the form
    "<style>[data-testid='stColumn']:has(.st-key-discount_side)"
    "{position:sticky;top:3.5rem;align-self:flex-start;z-index:2}</style>"
)
with preview_col, st.container(key="discount_side"):
    show_result()
    show_preview(preview, form, rules, request_state.touched(K))
    request_fields.exceptions_block(K, preview, user)
    request_state.show_save_error()
    st.button(
        "Registrar pedido de desconto",
        key="discount_save",
        type="primary",
        icon=":material/send:",
        width="stretch",
        on_click=request_state.save,
        # K: this run's prefix; the save reads the widgets under it
        args=(store, user, choice, extras, K),
    )
    st.caption("Cria um atendimento para o FINANCEIRO: assunto DESCONTO EM FATURA, status Novo.")
