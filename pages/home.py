"""Home: what the store holds and where to go next."""

import streamlit as st

from lib import fmt
from lib.auth import Perm, can
from lib.usecases import ticket_actions
from lib.usecases.ticket_list import SHORTCUTS
from ui import session
from ui.text import plain

user = session.require(Perm.READ_TICKETS)
st.title("Desconto em Fatura")
st.write(
    f"Olá, {plain((user.name.split() or [''])[0])}. O desconto em fatura é concedido **somente quando o cliente "
    "pede**, por um dos cinco motivos do procedimento; o sistema calcula o período e o valor."
)
counts = ticket_actions.home_counts(session.store(), user)
cols = st.columns(4)
cols[0].metric("Clientes", fmt.number(counts["clientes"], 0))
cols[1].metric("Contratos", fmt.number(counts["contratos"], 0))
cols[2].metric("Atendimentos", fmt.number(counts["atendimentos"], 0))
cols[3].metric("Atendimentos abertos", fmt.number(counts["abertos"], 0))
cols = st.columns(4)
cols[0].metric("Pedidos de desconto", fmt.number(counts["descontos"], 0))
cols[1].metric("Aguardando decisão", fmt.number(counts["pendentes"], 0))
cols[2].metric("Aguardando retorno do sinal", fmt.number(counts["aguardando"], 0))

st.subheader("Atalhos")
links = st.container(horizontal=True)
for label, filters in SHORTCUTS:  # each filter they set shows as a chip on Atendimentos
    links.page_link(
        "pages/tickets.py",
        label=label,
        icon=":material/filter_list:",
        query_params=filters.to_query(),
    )
if can(user, Perm.OPEN_DISCOUNT):
    links.page_link(
        "pages/discount_request.py", label="Novo pedido de desconto", icon=":material/add:"
    )
