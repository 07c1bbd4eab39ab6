"""The request form's incident proposal (issue 15): when the chosen login is inside an open or
recent incident, propose it; accepting links the request, fills the reason, the incident's
start and (once closed) the signal's return from the incident. The link is kept in the form's
state under `{key}incident_id`; the save re-checks it in the store (the incident wins)."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from lib.auth import User
from lib.domain import TZ
from lib.store import Store
from lib.usecases import incident_link
from lib.usecases.incident_link import Proposal
from ui.text import plain


def _naive(value: datetime) -> datetime:
    """What the datetime widgets hold: São Paulo time, naive, to the minute."""
    return value.astimezone(TZ).replace(tzinfo=None, second=0, microsecond=0)


def _accept(key: str, p: Proposal) -> None:
    ss = st.session_state
    ss[f"{key}incident_id"] = p.incident_id
    ss[f"{key}reason"] = p.reason
    ss[f"{key}r35_incident"] = p.title
    ss[f"{key}r35_start"] = _naive(p.started_at)
    ss[f"{key}occurred_on"] = p.started_at.astimezone(TZ).date()
    if p.ended_at is not None:
        ss[f"{key}returned_at"] = _naive(p.ended_at)
        ss[f"{key}pending"] = False
    else:
        ss[f"{key}returned_at"] = None
        ss[f"{key}pending"] = True
    ss[f"{key}touched"] = True


def _unlink(key: str) -> None:
    st.session_state.pop(f"{key}incident_id", None)


def incident_block(store: Store, user: User, key: str, login_id: int | None) -> None:
    """The proposal, or the link already accepted, for the chosen login."""
    ss = st.session_state
    proposals = incident_link.proposals_for_login(store, user, login_id)
    linked = ss.get(f"{key}incident_id")
    if linked is not None and linked not in {p.incident_id for p in proposals}:
        ss.pop(f"{key}incident_id", None)  # another login was picked
        linked = None
    if not proposals:
        return
    with st.container(border=True, key="discount_incident"):
        for p in proposals:
            if linked == p.incident_id:
                st.success(
                    plain(f"Pedido vinculado ao {p.text}"),
                    icon=":material/link:",
                )
                st.caption(
                    "O motivo, o início e o retorno do sinal vêm do incidente. "
                    + (
                        "O incidente já foi encerrado: o valor já é calculado."
                        if p.ended_at
                        else "Quando o NOC encerrar o incidente, o retorno do sinal é "
                        "registrado e o valor calculado automaticamente."
                    )
                )
                st.button(
                    "Desvincular do incidente",
                    key=f"discount_incident_unlink_{p.incident_id}",
                    on_click=_unlink,
                    args=(key,),
                )
            else:
                st.warning(
                    plain(f"Este login está no {p.text}"),
                    icon=":material/warning:",
                )
                if p.cause:
                    st.caption(plain(f"Causa: {p.cause}"))
                st.button(
                    f"Vincular ao incidente #{p.incident_id}",
                    key=f"discount_incident_accept_{p.incident_id}",
                    type="primary" if linked is None else "secondary",
                    icon=":material/link:",
                    on_click=_accept,
                    args=(key, p),
                    disabled=linked is not None,
                )
