"""A ticket's detail (fields, discount block, history) and the actions the user may take on it.

Every action is one use-case call from the submit button's callback, with the ticket id and
the status this render showed bound as arguments: a stale screen is refused by the store's
conditional update instead of acting twice or on another ticket.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Literal

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import (
    ACTION_LABELS,
    DECISION_LABELS,
    STATUS_LABELS,
    TZ,
    Action,
    Decision,
    DomainError,
    NotFound,
    Status,
    next_due_date,
)
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import billing, discount_requests, finance, ticket_actions, ticket_view
from lib.usecases import ticket_list as tl
from ui import errors, forms
from ui.text import badge, plain
from ui.ticket_fields import ANY_DATE_MAX, ANY_DATE_MIN

FLASH = "tk_flash"
BadgeColor = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray"]
STATUS_COLORS: dict[str, BadgeColor] = {
    "N": "blue",
    "P": "orange",
    "EP": "violet",
    "S": "green",
    "C": "gray",
}
DECISION_COLORS: dict[str, BadgeColor] = {
    "aguardando_retorno": "orange",
    "pendente": "blue",
    "aprovado": "violet",
    "reprovado": "red",
    "aplicado": "green",
    "cancelado": "gray",
}


def _key(action: Action, name: str, ticket_id: int) -> str:
    return f"tk_{action.value}_{name}_{ticket_id}"


def _run(
    store: Store,
    user: User,
    action: Action,
    ticket_id: int,
    shown_status: str,
    shown_decision: str | None = None,
) -> None:
    """Submit callback: read this action's inputs, make the one use-case call bound to the
    status and decision this render showed, keep the result for the next render, and clear
    the inputs only after a success."""
    ss = st.session_state

    def val(name: str, default=None):
        return ss.get(_key(action, name, ticket_id), default)

    shown: dict[str, Any] = {"expected_status": shown_status, "expected_decision": shown_decision}
    confirm_for = _key(Action.APROVAR, "confirm_for", ticket_id)
    try:
        if action == Action.ASSUMIR:
            done = ticket_actions.assume(store, user, ticket_id, **shown)
        elif action == Action.ENCAMINHAR:
            done = ticket_actions.forward(
                store, user, ticket_id, val("dept"), val("note", ""), **shown
            )
        elif action == Action.MENSAGEM:
            done = ticket_actions.add_message(
                store, user, ticket_id, val("text", ""), customer_visible=bool(val("visible"))
            )
        elif action == Action.RETORNO_SINAL:
            day, hour = val("day"), val("time")
            if day is None or hour is None:
                raise DomainError("Informe a data e a hora do retorno do sinal.")
            done = discount_requests.record_signal_return(
                store, user, ticket_id, datetime.combine(day, hour, TZ), **shown
            )
        elif action == Action.APROVAR:
            typed = (val("amount", "") or "").strip()
            # the checkbox confirms the amount it was shown for, not one typed afterwards
            asked = ss.get(confirm_for)
            confirmed = bool(val("confirm")) and asked is not None and asked[0] == typed
            try:
                done = finance.approve(
                    store,
                    user,
                    ticket_id,
                    adjusted_amount=typed,
                    adjustment_reason=val("reason", ""),
                    confirm_large=confirmed,
                    **shown,
                )
            except finance.NeedsConfirmation as exc:
                ss[confirm_for] = (typed, exc.amount, exc.confirm_label)
                ss[_key(action, "confirm", ticket_id)] = False
                raise
        elif action == Action.REPROVAR:
            done = finance.reject(store, user, ticket_id, val("reason", ""), **shown)
        elif action == Action.APLICAR:
            done = finance.mark_applied(
                store,
                user,
                ticket_id,
                val("due"),
                invoice_number=val("invoice", ""),
                **shown,
            )
        elif action == Action.DESFAZER_APLICACAO:
            done = finance.undo_applied(store, user, ticket_id, val("reason", ""), **shown)
        elif action == Action.PENDENCIAR:
            done = ticket_actions.set_pending(store, user, ticket_id, val("note", ""), **shown)
        elif action == Action.SOLUCIONAR:
            done = ticket_actions.solve(store, user, ticket_id, val("note", ""), **shown)
        elif action == Action.CANCELAR:
            done = ticket_actions.cancel(store, user, ticket_id, val("reason", ""), **shown)
        else:  # pragma: no cover - the page only offers the actions above
            raise DomainError("Ação desconhecida.")
    except DomainError as exc:
        ss[FLASH] = ("error", errors.refusal(exc, ticket=ticket_id), ticket_id)
        # the refused form is drawn expanded: its inputs (and a confirmation) stay in view
        ss["tk_open_form"] = (ticket_id, action.value)
        return
    ss[FLASH] = ("success", done.message, ticket_id)
    ss.pop("tk_open_form", None)
    for name in ("note", "text", "amount", "reason", "invoice"):
        if _key(action, name, ticket_id) in ss:
            ss[_key(action, name, ticket_id)] = ""
    if action == Action.APROVAR:
        ss.pop(confirm_for, None)
        ss.pop(_key(action, "confirm", ticket_id), None)


def show_flash(ticket_id: int | None = None) -> None:
    flash = st.session_state.get(FLASH)
    if flash and (ticket_id is None or flash[2] == ticket_id):
        kind, text, _ = st.session_state.pop(FLASH)
        (st.success if kind == "success" else st.error)(plain(text))


def render(store: Store, user: User, ticket_id: int) -> None:
    try:
        ticket, discount, history = ticket_actions.ticket_detail(store, user, ticket_id)
    except NotFound as exc:
        st.warning(plain(exc))
        return
    status = ticket["status"]
    # Beside the list: heading, what a decision needs in one line, the actions right under it,
    # and the details in tabs below, so deciding never needs a scroll.
    with st.container(border=True, key="tk_detail"):
        st.subheader(f"Atendimento {ticket['protocol']} · {plain(ticket['subject'])}")
        badges = st.container(horizontal=True, vertical_alignment="center")
        with badges:
            st.badge(STATUS_LABELS[Status(status)], color=STATUS_COLORS[status])
            if discount:
                st.badge(
                    DECISION_LABELS[Decision(discount["decision"])],
                    color=DECISION_COLORS[discount["decision"]],
                )
                if batch := billing.pending_batch(store, user, ticket_id):  # issue 14
                    st.badge(f"Enviado ao faturamento · lote nº {batch}", color="violet")
            st.markdown(badge(ticket["department"]))  # typed: st.badge would escape twice
        view = ticket_view.discount_view(store, discount) if discount else None
        st.caption(_summary(ticket, view))
        if ticket.get("customer_id"):  # issue 14: the customer's record
            st.page_link(
                "pages/customers.py",
                label="Ver cadastro do cliente",
                icon=":material/person_search:",
                query_params={"id": str(ticket["customer_id"])},
            )
        show_flash(ticket_id)
        _actions(store, user, ticket, discount)
        names = ["Atendimento", "Desconto", "Histórico"] if view else None
        tabs = st.tabs(names or ["Atendimento", "Histórico"])
        with tabs[0]:
            st.dataframe(
                pd.DataFrame(ticket_view.ticket_fields(ticket), columns=["Campo", "Valor"]),
                hide_index=True,
                width="stretch",
                key=f"tk_fields_{ticket_id}",
            )
            st.markdown("**Mensagem**")
            st.text(ticket["message"] or "—")
        if view:
            with tabs[1]:
                st.dataframe(
                    pd.DataFrame(list(view.items()), columns=["Campo", "Valor"]),
                    hide_index=True,
                    width="stretch",
                    key=f"tk_discount_{ticket_id}",
                )
                st.caption(f"Fórmula: {view['Fórmula']}")  # too long for the table cell
        with tabs[-1]:
            st.dataframe(
                ticket_view.history_rows(history),
                hide_index=True,
                width="stretch",
                key=f"tk_history_{ticket_id}",
            )


def _summary(ticket: dict, view: dict[str, str] | None) -> str:
    """One line with what a decision needs first (markdown-safe: the customer's name is typed)."""
    who = plain(ticket["customer"]) if ticket.get("customer") else "Sem cliente"
    if view is None:
        return f"{who} · aberto em {fmt.day_time(ticket['opened_at'])}"
    return (
        f"{who} · motivo {view['Motivo']} · {view['Duração']} · valor calculado "
        f"{view['Valor calculado']} · prazo {view['Prazo (90 dias)']}"
    )


def _actions(store: Store, user: User, ticket: dict, discount: dict | None) -> None:
    actions = ticket_view.available_actions(user, ticket, discount)
    st.markdown("**Ações**")
    if not actions:
        st.caption("Nenhuma ação disponível para o seu perfil neste atendimento.")
        return
    tid, status = ticket["id"], ticket["status"]
    decision = discount["decision"] if discount else None  # what this screen shows
    args = (store, user)
    if Action.ASSUMIR in actions:
        st.button(
            "Assumir",
            key=f"tk_assumir_{tid}",
            type="primary",
            icon=":material/front_hand:",
            on_click=_run,
            args=(*args, Action.ASSUMIR, tid, status, decision),
        )
    for action in actions:
        if action == Action.ASSUMIR:
            continue
        label = {
            Action.MENSAGEM: "Adicionar mensagem",
            Action.RETORNO_SINAL: "Informar retorno do sinal",
        }.get(action, ACTION_LABELS[action])
        refused_here = st.session_state.get("tk_open_form") == (tid, action.value)
        with st.expander(label, expanded=refused_here):
            with st.form(f"tk_form_{action.value}_{tid}", border=False):
                _inputs(store, user, action, ticket, discount)
                st.form_submit_button(
                    label,
                    type="primary"
                    if action in (Action.APROVAR, Action.APLICAR, Action.SOLUCIONAR)
                    else "secondary",
                    on_click=_run,
                    args=(*args, action, tid, status, decision),
                )


def _inputs(store: Store, user: User, action: Action, ticket: dict, discount: dict | None):
    tid = ticket["id"]
    if action == Action.ENCAMINHAR:
        options = tl.filter_options(store, user).departments
        choices = ticket_view.forward_targets(ticket, discount, options)
        st.selectbox(
            "Departamento",
            choices,
            format_func=forms.labels(options),
            key=_key(action, "dept", tid),
        )
        st.text_area("Observação para o outro departamento", key=_key(action, "note", tid))
    elif action == Action.MENSAGEM:
        st.text_area("Mensagem", key=_key(action, "text", tid))
        st.checkbox("Visível para o cliente", key=_key(action, "visible", tid))
    elif action == Action.RETORNO_SINAL:
        now = clock_now()
        st.date_input(  # any date reaches the use-case, which says what is wrong with it
            "Data do retorno",
            value=now.date(),
            min_value=ANY_DATE_MIN,
            max_value=ANY_DATE_MAX,
            format="DD/MM/YYYY",
            key=_key(action, "day", tid),
        )
        st.time_input(
            "Hora do retorno",
            value=time(now.hour, now.minute),
            step=60,
            key=_key(action, "time", tid),
        )
    elif action == Action.APROVAR:
        computed = fmt.brl(discount["computed_amount"]) if discount else ""
        st.caption(
            f"Valor calculado: {computed}. Deixe o valor em branco para aprovar o calculado."
        )
        st.text_input(
            "Valor ajustado (opcional)", placeholder="ex.: 12,50", key=_key(action, "amount", tid)
        )
        st.text_input("Motivo do ajuste", key=_key(action, "reason", tid))
        if asked := st.session_state.get(_key(action, "confirm_for", tid)):
            _typed, amount, label = asked
            st.checkbox(f"{label} ({fmt.brl(amount)})", key=_key(action, "confirm", tid))
    elif action == Action.DESFAZER_APLICACAO:
        st.caption("O desconto volta a aprovado e o atendimento é reaberto, em progresso.")
        st.text_area("Motivo", key=_key(action, "reason", tid))
    elif action in (Action.REPROVAR, Action.CANCELAR):
        st.text_area("Motivo", key=_key(action, "reason", tid))
    elif action == Action.PENDENCIAR:
        st.text_area("O que o atendimento está aguardando", key=_key(action, "note", tid))
    elif action == Action.SOLUCIONAR:
        st.text_area("Solução", key=_key(action, "note", tid))
    elif action == Action.APLICAR:
        due_day = ticket.get("due_day")
        today = clock_now().date()
        st.date_input(
            "Vencimento da fatura",
            value=next_due_date(due_day, today) if due_day else today,
            min_value=ANY_DATE_MIN,
            max_value=ANY_DATE_MAX,
            format="DD/MM/YYYY",
            key=_key(action, "due", tid),
        )
        st.text_input(
            "Número da fatura (opcional)",
            placeholder="o número no sistema de cobrança",
            max_chars=finance.INVOICE_NUMBER_MAX,
            key=_key(action, "invoice", tid),
        )
