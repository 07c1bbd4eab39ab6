"""Clientes: find a customer, see their contracts, logins, tickets and discounts per year, and
(supervisors) create or edit records by hand with the IXC import's checks."""

import streamlit as st

from lib.auth import Perm, can
from lib.domain import DomainError
from lib.usecases import customer_admin as ca
from ui import customers as view
from ui import session
from ui.text import plain

user = session.require(Perm.VIEW_CUSTOMERS)
store = session.store()
editor = can(user, Perm.MANAGE_CUSTOMERS)
st.title("Clientes")
view.flash()

if raw := st.query_params.get("id"):
    if raw.isdigit():
        st.session_state["cl_open"] = int(raw)
    st.query_params.clear()

query = st.text_input(
    "Buscar cliente",
    key="cl_q",
    placeholder="Nome, CPF/CNPJ, login PPPoE, nº do contrato (ou do IXC), telefone ou protocolo",
)
if query.strip():
    found = ca.search(store, user, query)
    if not found:
        st.caption("Nenhum cliente encontrado com esse texto.")
    elif (picked := view.results(found)) is not None:
        st.session_state["cl_open"] = picked

if editor:
    with st.expander("Novo cliente", icon=":material/person_add:"):
        view.customer_form(store, user, None)

if (customer_id := st.session_state.get("cl_open")) is not None:
    try:
        profile = ca.profile(store, user, int(customer_id))
    except DomainError as exc:
        st.warning(plain(str(exc)))
        st.stop()
    st.divider()
    view.record(profile)
    if editor:
        with st.expander("Editar cliente", icon=":material/edit:"):
            view.customer_form(store, user, profile.customer)
        with st.expander("Contratos: novo ou editar", icon=":material/description:"):
            view.contract_form(store, user, profile)
        with st.expander("Logins: novo ou editar", icon=":material/router:"):
            view.login_form(store, user, profile)
elif not query.strip():
    st.caption("Busque um cliente para ver seus contratos, logins, atendimentos e descontos.")
