"""What "Novo atendimento" shows under the form once a ticket is saved: its ID, Protocolo and
Status, the Assumir button, its history, and the customer's recent tickets."""

from __future__ import annotations

import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import PRIORITY_LABELS, STATUS_LABELS, Status, movement_label
from lib.store import Store
from lib.usecases import customers, ticket_actions
from ui.new_ticket.state import FLASH, assume
from ui.text import plain


def recent_tickets(store: Store, user: User, customer_id: int, customer_name: str) -> None:
    """The customer's latest tickets, the one just saved among them."""
    found = customers.recent_tickets(store, user, customer_id)
    st.markdown(f"**Atendimentos de {plain(customer_name)}**")
    if not found:
        st.caption("Nenhum atendimento deste cliente ainda.")
        return
    st.dataframe(
        [
            {
                "ID": t["id"],
                "Protocolo": t["protocol"],
                "Assunto": t["subject"],
                "Departamento": t["department"],
                "Status": STATUS_LABELS[Status(t["status"])],
                "Prioridade": PRIORITY_LABELS[t["priority"]],
                "Aberto em": fmt.day_time(t["opened_at"]),
                "Responsável": t["responsible"] or "—",
            }
            for t in found
        ],
        hide_index=True,
        key=f"novo_recent_{customer_id}",
    )


def saved_panel(store: Store, user: User, ticket_id: int) -> None:
    """The ticket just saved: ID, Protocolo, Status, Assumir and its history."""
    ticket, _, history = ticket_actions.ticket_detail(store, user, ticket_id)
    status = Status(ticket["status"])
    with st.container(border=True, key="novo_saved"):
        st.subheader(f"Atendimento #{ticket['id']} · {plain(ticket['subject'])}")
        cols = st.columns(3)
        cols[0].metric("ID", str(ticket["id"]))
        cols[1].metric("Protocolo", ticket["protocol"])
        cols[2].metric("Status", status.label)
        st.info(
            f"Informe ao cliente o protocolo **{ticket['protocol']}**.",
            icon=":material/support_agent:",
        )
        flash = st.session_state.get(FLASH)
        if flash and flash[0] == ticket_id:  # shown until the next action, whatever reruns
            (st.success if flash[1] == "success" else st.error)(plain(flash[2]))
        st.markdown("**Movimentações/Histórico**")
        if status in (Status.NOVO, Status.PENDENTE):
            st.button(
                "Assumir",
                key="novo_assume",
                icon=":material/assignment_ind:",
                on_click=assume,
                args=(store, user, ticket_id, status.value),
                help="Você passa a ser o responsável e o atendimento fica Em progresso.",
            )
        st.dataframe(
            [
                {
                    "Quando": fmt.day_time(m["created_at"]),
                    "Movimentação": movement_label(m["kind"]),
                    "Status": " → ".join(
                        STATUS_LABELS[Status(s)]
                        for s in dict.fromkeys((m["from_status"], m["to_status"]))
                        if s
                    ),
                    "Quem": m["staff"] or "—",
                    "Nota": m["note"],
                    "Visível ao cliente": "Sim" if m["customer_visible"] else "Não",
                }
                for m in history
            ],
            hide_index=True,
            key=f"novo_history_{ticket_id}",
        )
        if ticket["customer_id"] is not None:
            recent_tickets(store, user, ticket["customer_id"], ticket["customer"])
            st.page_link(
                "pages/new_ticket.py",
                label="Novo atendimento para este cliente",
                icon=":material/add_circle:",
                query_params={"cliente": str(ticket["customer_id"])},
            )
