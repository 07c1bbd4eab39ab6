"""Blocks of the Faturamento page: the candidates of a period, a batch's totals, its items and
billing's answer (an editable table), and the callbacks that write."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import DomainError
from lib.store import Store
from lib.usecases import billing
from ui import errors, forms
from ui.text import plain

FLASH = "bl_flash"
NEW = "bl_new_"  # idempotency prefix of "create a batch"
OUTCOMES = {"enviado": "Enviado", "aplicado": "Aplicado", "recusado": "Recusado pelo faturamento"}


def flash() -> None:
    if message := st.session_state.pop(FLASH, None):
        (st.success if message[0] == "ok" else st.error)(plain(message[1]))


def candidates_table(found: list[billing.Candidate]) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Protocolo": c.protocol,
                    "Cliente": c.customer,
                    "Contrato": c.contract_ref,
                    "Fatura (vencimento)": fmt.day(c.target_due_date),
                    "Calculado": fmt.brl(c.computed),
                    "Aprovado": fmt.brl(c.amount),
                    "Recusa anterior do faturamento": c.last_refusal or "",
                }
                for c in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def create(store: Store, user: User, start: date, end: date, ids: list[int]) -> None:
    """Callback of "Criar lote": the ids the screen showed and one idempotency key per list."""
    try:
        done = billing.create_batch(
            store, user, start, end, ids, idempotency_key=forms.idempotency_key(NEW)
        )
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return
    forms.clear(NEW)
    st.session_state["bl_batch"] = done.batch_id
    st.session_state["bl_tabs"] = "Lotes"  # the new batch, ready to download
    st.session_state[FLASH] = ("ok", done.message)


def totals(rows: list[dict]) -> None:
    """The batches, one line each; the chosen one's figures come with metrics()."""
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Lote": r["id"],
                    "Vencimentos": f"{fmt.day(r['period_start'])} a {fmt.day(r['period_end'])}",
                    "Criado": f"{fmt.day_time(r['created_at'])} · {r['created_by_name']}",
                    "Pedidos": r["requested"],
                    "Enviado": fmt.brl(r["sent"]),
                    "Aplicado": fmt.brl(r["applied"]),
                    "Situação": "Fechado"
                    if r["closed_at"]
                    else f"Aberto ({r['open_items']} sem resposta)",
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def metrics(r: dict) -> None:
    """A batch's totals: requested, computed, approved, sent, applied, with the differences
    (an adjustment at approval, what billing has not applied yet or refused)."""
    cols = st.columns(5)
    cols[0].metric("Pedidos", r["requested"])
    cols[1].metric("Calculado", fmt.brl(r["computed"]))
    adjusted = r["approved"] - r["computed"]
    cols[2].metric(
        "Aprovado",
        fmt.brl(r["approved"]),
        delta=f"{fmt.brl(adjusted)} de ajuste" if adjusted else None,
        delta_color="off",
    )
    unsent = r["approved"] - r["sent"]
    cols[3].metric("Enviado", fmt.brl(r["sent"]), delta=f"{fmt.brl(-unsent)}" if unsent else None)
    missing = r["sent"] - r["applied"]
    cols[4].metric(
        "Aplicado",
        fmt.brl(r["applied"]),
        delta=f"{fmt.brl(-missing)} pendente" if missing else None,
        delta_color="normal",  # down (red): money billing has not confirmed
    )


def answer_editor(found: billing.Batch, suggested: dict[int, billing.Applied]) -> pd.DataFrame:
    """Billing's answer for the open items: invoice due date and number, or a refusal."""
    open_items = [i for i in found.items if i["outcome"] == "enviado"]
    frame = pd.DataFrame(
        [
            {
                "ticket_id": i["ticket_id"],
                "Protocolo": i["protocol"],
                "Cliente": i["customer"],
                "Contrato": i["contract_ref"],
                "Valor": fmt.brl(i["amount"]),
                "Aplicado": i["ticket_id"] in suggested,
                "Vencimento": (
                    suggested[i["ticket_id"]].due_date
                    if i["ticket_id"] in suggested
                    else i["target_due_date"]
                ),
                "Nº da fatura": (
                    suggested[i["ticket_id"]].invoice_number if i["ticket_id"] in suggested else ""
                ),
                "Recusado": False,
                "Motivo da recusa": "",
            }
            for i in open_items
        ]
    )
    return st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        disabled=["Protocolo", "Cliente", "Contrato", "Valor"],
        column_order=[c for c in frame.columns if c != "ticket_id"],
        column_config={
            "Vencimento": st.column_config.DateColumn(format="DD/MM/YYYY"),
            "Nº da fatura": st.column_config.TextColumn(max_chars=60),
            "Motivo da recusa": st.column_config.TextColumn(max_chars=500),
        },
        key=f"bl_answer_{found.batch['id']}_{len(suggested)}",
    )


def answers(edited: pd.DataFrame) -> tuple[dict[int, billing.Applied], dict[int, str]]:
    applied: dict[int, billing.Applied] = {}
    refused: dict[int, str] = {}
    for row in edited.to_dict("records"):
        if row["Recusado"]:
            refused[int(row["ticket_id"])] = str(row["Motivo da recusa"] or "")
        elif row["Aplicado"]:
            due = row["Vencimento"]
            if due is None or pd.isna(due):
                raise DomainError(f"Protocolo {row['Protocolo']}: informe o vencimento da fatura.")
            applied[int(row["ticket_id"])] = billing.Applied(
                pd.Timestamp(due).date(), str(row["Nº da fatura"] or "") or None
            )
    return applied, refused


def items_table(found: billing.Batch) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Protocolo": i["protocol"],
                    "Cliente": i["customer"],
                    "Contrato": i["contract_ref"],
                    "Fatura alvo": fmt.day(i["target_due_date"]),
                    "Valor": fmt.brl(i["amount"]),
                    "Situação": OUTCOMES[i["outcome"]],
                    "Fatura": " ".join(
                        x for x in (i["invoice_number"], fmt.day(i["invoice_due_date"])) if x
                    ),
                    "Motivo": i["outcome_reason"] or "",
                }
                for i in found.items
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def push_block(store: Store, user: User, found: billing.Batch) -> None:
    """ "Enviar ao IXC pela API", when the API is configured and the batch was not pushed."""
    from lib.ixc_api import IxcApiError, load_config
    from lib.usecases import ixc_sync

    try:
        cfg = load_config()
    except IxcApiError:
        return  # the Importar do IXC page says what is wrong with the configuration
    if cfg is None:
        return
    if found.batch["pushed_at"] is not None:
        st.caption(f"Enviado ao IXC pela API em {fmt.day_time(found.batch['pushed_at'])}.")
        return
    if st.button("Enviar ao IXC pela API", icon=":material/cloud_upload:", key="bl_push"):
        try:
            done = ixc_sync.push_batch(store, user, cfg, found.batch["id"])
        except DomainError as exc:
            st.error(plain(errors.refusal(exc)), icon=":material/block:")
        else:
            st.session_state[FLASH] = ("ok", done.message)
            st.rerun()
