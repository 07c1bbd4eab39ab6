"""Bulk Assumir, Aprovar and Marcar como aplicado on the selected rows of Atendimentos: the
buttons queue the job (session key `tk_bulk_job`) with the status and decision each row showed,
the next run carries it out with a progress bar before the list is drawn, and its summary
(`tk_bulk_result`) stays up, refusals listed, until closed."""

from __future__ import annotations

import streamlit as st

from lib.auth import User, can
from lib.domain import ACTION_LABELS, DISCOUNT_SUBJECT, Action, Decision
from lib.store import Store
from lib.usecases import bulk_actions
from ui.text import plain

# (ticket id, protocol, status shown, decision shown or None)
Items = tuple[tuple[int, str, str, str | None], ...]


def run_queued(store: Store, user: User) -> None:
    """Carry out the job a bulk button queued, if any, and keep its outcomes for the summary."""
    ss = st.session_state
    if job := ss.pop("tk_bulk_job", None):
        action, items = job
        bar = st.progress(0.0, text=f"{ACTION_LABELS[action]}: 0 de {len(items)}")

        def progress(i: int, n: int) -> None:
            bar.progress(i / n, text=f"{ACTION_LABELS[action]}: {i} de {n}")

        outcomes = bulk_actions.run_bulk(store, user, action, list(items), on_progress=progress)
        bar.empty()
        ss["tk_bulk_result"] = (action, outcomes)


def _close_summary() -> None:
    st.session_state.pop("tk_bulk_result")


def summary() -> None:
    """What the last bulk job did, and each refusal with its reason, until closed."""
    if result := st.session_state.get("tk_bulk_result"):
        action, outcomes = result
        refused = [o for o in outcomes if not o.ok]
        (st.warning if refused else st.success)(plain(bulk_actions.bulk_summary(action, outcomes)))
        if refused:
            st.dataframe(
                [{"Protocolo": o.protocol, "Motivo da recusa": o.message} for o in refused],
                hide_index=True,
                width="stretch",
                key="tk_bulk_refused",
            )
        st.button("Fechar resumo", key="tk_bulk_close", on_click=_close_summary)


def _queue(action: Action, items: Items) -> None:
    ss = st.session_state
    ss["tk_bulk_job"] = (action, items)
    ss.pop("tk_bulk_result", None)


def actions(user: User, selected: list[dict]) -> None:
    """How many rows are selected, and the bulk buttons this user may use on them (in a row
    that wraps, so their labels are never cut in a narrow list column)."""
    items = tuple((r["id"], r["protocol"], r["status"], r.get("decision")) for r in selected)
    bar = st.container(horizontal=True, vertical_alignment="center")
    bar.markdown(f"**{len(selected)} selecionado{'s' if len(selected) > 1 else ''}**")
    may_assume = any(
        can(user, Action.ASSUMIR, discount_ticket=r["subject"] == DISCOUNT_SUBJECT)
        for r in selected
    )
    if may_assume:
        bar.button(
            "Assumir selecionados",
            key="tk_bulk_assumir",
            on_click=_queue,
            args=(Action.ASSUMIR, items),
            icon=":material/front_hand:",
        )
    if can(user, Action.APROVAR):
        bar.button(
            "Aprovar selecionados",
            key="tk_bulk_aprovar",
            on_click=_queue,
            args=(Action.APROVAR, items),
            icon=":material/check:",
        )
    if can(user, Action.APLICAR):
        approved = sum(r.get("decision") == Decision.APROVADO.value for r in selected)
        with bar.popover("Marcar como aplicados", icon=":material/receipt_long:"):
            st.markdown(f"Aprovados entre os selecionados: **{approved} de {len(selected)}**.")
            st.caption(
                "Cada desconto aprovado é registrado na próxima fatura do seu contrato: o "
                "primeiro vencimento a partir de hoje, pelo dia de vencimento do contrato. "
                "Para outra fatura, ou para informar o número dela, marque no detalhe do "
                "atendimento. Os que não estiverem aprovados aparecem como recusados no resumo."
            )
            st.button(
                "Confirmar: marcar como aplicados",
                key="tk_bulk_aplicar",
                type="primary",
                on_click=_queue,
                args=(Action.APLICAR, items),
                disabled=not approved,
            )
