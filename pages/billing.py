"""Faturamento (finance and supervisors): approved discounts sent to billing in batches,
exported as IXC's "Descontos adicionais", and closed with billing's answer
(lib.usecases.billing)."""

import streamlit as st

from lib.auth import Perm
from lib.domain import DomainError
from lib.usecases import billing
from ui import billing as view
from ui import errors, session
from ui.text import plain

user = session.require(Perm.BILLING)
store = session.store()
st.title("Faturamento")
st.caption(
    "Descontos aprovados vão ao faturamento em lotes: cada desconto entra em um lote só e fica "
    "marcado como enviado. Baixe o lote no formato de descontos adicionais do IXC e, quando o "
    "faturamento responder, registre as faturas (ou as recusas) de uma vez."
)
view.flash()
new_tab, batches_tab = st.tabs(["Novo lote", "Lotes"], key="bl_tabs", on_change="rerun")

with new_tab:
    if new_tab.open:  # lazy tabs (on_change="rerun"): only the tab in view runs its queries
        start, end = view.period_inputs()
        with errors.guard():
            period = billing.period_view(
                store,
                user,
                start,
                end,
                page=st.session_state.get(view.PAGE, 1),
                page_size=st.session_state.get(view.SIZE, billing.PAGE_SIZES[0]),
            )
            view.summary(period)
            if not period.rows:
                st.info(view.NOTHING_TO_SEND)
            else:
                selected = view.candidates_table(period)
                view.pager(period)
                view.create_button(store, user, start, end, period, selected)


with batches_tab:
    if batches_tab.open:
        rows = billing.batches(store, user)
        if not rows:
            st.info("Nenhum lote ainda.")
            st.stop()
        view.totals(rows)
        ids = [r["id"] for r in rows]
        chosen = st.selectbox(
            "Lote",
            ids,
            index=ids.index(st.session_state["bl_batch"])
            if st.session_state.get("bl_batch") in ids
            else 0,
            format_func=lambda i: f"Lote nº {i}",
        )
        found_batch = billing.batch(store, user, chosen)
        view.metrics(next(r for r in rows if r["id"] == chosen))
        d1, d2 = st.columns(2)
        for col, kind, mime in (
            (d1, "csv", "text/csv"),
            (d2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ):
            col.download_button(
                f"Baixar {kind.upper()} (descontos adicionais do IXC)",
                data=lambda k=kind: billing.export_batch(store, user, chosen, k),
                file_name=f"lote-{chosen}-descontos.{kind}",
                mime=mime,
                icon=":material/download:",
                on_click="ignore",
                key=f"bl_dl_{kind}",
            )
        view.push_block(store, user, found_batch)
        view.items_table(found_batch)
        if any(i["outcome"] == "enviado" for i in found_batch.items):
            st.subheader("Retorno do faturamento")
            listing = st.file_uploader(
                "Contas a receber do IXC (fn_areceber, CSV ou XLSX) para preencher as faturas",
                type=["csv", "xlsx"],
                key=f"bl_areceber_{chosen}",
            )
            suggested: dict = {}
            if listing is not None:
                with errors.guard():
                    match = billing.match_invoices(
                        store, user, chosen, listing.getvalue(), listing.name
                    )
                    suggested = match.found
                    st.caption(
                        plain(
                            f"{len(match.found)} fatura(s) encontradas."
                            + (f" Sem fatura: {', '.join(match.missing)}." if match.missing else "")
                        )
                    )
            edited = view.answer_editor(found_batch, suggested)
            if st.button("Registrar retorno do faturamento", type="primary", key="bl_close"):
                try:
                    applied, refused = view.answers(edited)
                    done = billing.close_batch(store, user, chosen, applied, refused)
                except DomainError as exc:
                    st.error(plain(errors.refusal(exc)), icon=":material/block:")
                else:
                    st.session_state[view.FLASH] = ("ok", done.message)
                    st.rerun()
