"""Blocks of the Faturamento page: the candidates of a period, a batch's totals, its items and
billing's answer (an editable table), and the callbacks that write."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import DomainError
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import billing
from ui import errors, forms
from ui.text import plain

FLASH = "bl_flash"
NEW = "bl_new_"  # idempotency prefix of "create a batch"
OUTCOMES = {"enviado": "Enviado", "aplicado": "Aplicado", "recusado": "Recusado pelo faturamento"}


def flash() -> None:
    forms.flash(FLASH)


PAGE = "bl_page"  # the page of candidates shown (1-based)
SIZE = "bl_size"  # rows per page


NOTHING_TO_SEND = "Nenhum desconto aprovado e não enviado tem fatura com vencimento neste período."


def period_changed() -> None:
    """A new period starts on its first page."""
    st.session_state[PAGE] = 1


def period_inputs() -> tuple[date, date]:
    """The billing period: invoices due from today to 30 days ahead, unless changed."""
    today = clock_now().date()
    c1, c2 = st.columns(2)
    start = c1.date_input(
        "Vencimentos de", today, format="DD/MM/YYYY", key="bl_start", on_change=period_changed
    )
    end = c2.date_input(
        "até",
        today + timedelta(days=30),
        format="DD/MM/YYYY",
        key="bl_end",
        on_change=period_changed,
    )
    return start, end


def summary(view: billing.PeriodView) -> None:
    """The period first: per state how many discounts and how much (SQL totals), then the
    discounts to send per invoice due date."""
    cols = st.columns(len(view.states))
    for col, s in zip(cols, view.states, strict=True):
        col.metric(
            s.label,
            fmt.brl(s.amount),
            delta=f"{fmt.number(s.count)} desconto{'s' if s.count != 1 else ''}",
            delta_color="off",
            delta_arrow="off",
        )
    if len(view.by_due) > 1 or any(d.refused_before for d in view.by_due):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Fatura (vencimento)": fmt.day(d.due_date),
                        "A enviar": fmt.number(d.count),
                        "Aprovado": fmt.brl(d.approved),
                        "Calculado": fmt.brl(d.computed),
                        "Recusados antes pelo faturamento": fmt.number(d.refused_before),
                    }
                    for d in view.by_due
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def _key(view: billing.PeriodView) -> str:
    # The key names exactly the rows drawn: when they change (another tab sent some, a new
    # approval, another page), the old selection goes with the old key, so a selected
    # position can only ever mean the discount it pointed at on screen.
    ids = [c.ticket_id for c in view.rows]
    return "bl_rows_" + hashlib.sha1(repr(ids).encode()).hexdigest()[:12]


def candidates_table(view: billing.PeriodView) -> list[billing.Candidate]:
    """The page's candidates; returns the rows the person selected (none: the whole page)."""
    found = view.rows
    key = st.session_state["bl_rows_key"] = _key(view)
    event = st.dataframe(
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
        on_select="rerun",
        selection_mode="multi-row",
        key=key,
    )
    return [found[i] for i in event.selection.rows if 0 <= i < len(found)]


def pager(view: billing.PeriodView) -> None:
    """Rows per page and which page; the use-case already clamped the page it showed."""
    last = view.first + len(view.rows) - 1
    st.caption(
        f"Descontos {fmt.number(view.first)} a {fmt.number(last)} de "
        f"{fmt.number(view.total)}, dos aprovados há mais tempo aos mais recentes. Selecione "
        "linhas para criar o lote só com elas."
    )
    if view.pages == 1 and view.page_size == billing.PAGE_SIZES[0]:
        return
    st.session_state[PAGE] = view.page  # before the widget: the page really shown
    c1, c2, _ = st.columns([1, 1, 2])
    c1.number_input(
        f"Página (de {fmt.number(view.pages)})",
        min_value=1,
        max_value=view.pages,
        step=1,
        key=PAGE,
    )
    c2.selectbox("Linhas por página", billing.PAGE_SIZES, key=SIZE, on_change=period_changed)


def create_button(
    store: Store,
    user: User,
    start: date,
    end: date,
    view: billing.PeriodView,
    selected: list[billing.Candidate],
) -> None:
    """ "Criar lote" with exactly the rows on screen: the selected ones, or else this page's.
    Its label says which and how many; the rest of the period is never sent by it."""
    chosen = selected or view.rows
    n = len(chosen)
    plural = "s" if n != 1 else ""
    if selected:
        label = f"Criar lote com {n} desconto{plural} selecionado{plural}"
    elif view.pages > 1:
        label = f"Criar lote com os {n} descontos desta página"
    else:
        label = f"Criar lote com {n} desconto{plural}"
    total = sum((c.amount for c in chosen), start=Decimal("0.00"))
    rest = view.total - n
    st.button(
        label,
        type="primary",
        icon=":material/send:",
        on_click=errors.callback_guard(create),
        args=(store, user, start, end, [c.ticket_id for c in chosen]),
        key="bl_create",
        help=f"Total de {fmt.brl(total)}."
        + (f" Os outros {fmt.number(rest)} do período ficam para outro lote." if rest else ""),
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
