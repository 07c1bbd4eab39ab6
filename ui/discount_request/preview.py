"""The discount request's live preview: period, amount, invoice, deadline, and what blocks the
save or deserves a warning."""

from __future__ import annotations

import streamlit as st

from lib import fmt
from lib.discount import METHODS, DiscountCalculation, Rules
from lib.usecases import request_form as dr
from lib.usecases.discount_requests import Preview
from ui.text import plain


def _units(calc: DiscountCalculation) -> str:
    units = fmt.number(calc.counted_units, 4)
    method = METHODS[calc.method]
    return f"{units} {method.unit_singular if calc.counted_units == 1 else method.unit_plural}"


def show_preview(preview: Preview, form: dr.FormInput, rules: Rules, touched: bool) -> None:
    """The bordered "Prévia do desconto" box for the form as it stands. The list of what
    blocks the save waits until someone has typed into the form: on an empty form it would
    read as a failure (right after a save, above all)."""
    with st.container(border=True, key="discount_preview"):
        st.subheader("Prévia do desconto")
        calc = preview.calc
        if calc is not None:
            top = st.columns(2)
            top[0].metric("Duração da interrupção", calc.duration_text)
            top[1].metric("Valor do desconto", fmt.brl(calc.amount))
            st.markdown(
                f"**Período do desconto:** de {fmt.day_time(calc.start)} "
                f"a {fmt.day_time(calc.end)}  \n"
                f"**Unidades contadas:** {_units(calc)}  \n"
                f"**Cálculo ({METHODS[calc.method].label}):** {calc.formula}"
            )
        elif form.signal_pending and preview.period_start is not None:
            st.markdown(
                f"**Período do desconto:** de {fmt.day_time(preview.period_start)} "
                "até o retorno do sinal"
            )
            st.info(
                "O sinal ainda não voltou: o pedido fica **aguardando o retorno do sinal** e "
                "o valor é calculado quando alguém registrar a hora do retorno."
            )
        else:
            st.caption(
                "Escolha o cliente e o contrato e informe os horários para ver o período e o valor."
            )
        if preview.invoice_due_date is not None:
            st.markdown(
                f"**Fatura:** vencimento em {fmt.day(preview.invoice_due_date)} "
                "(próximo vencimento do contrato)"
            )
        if preview.deadline is not None:
            st.markdown(f"**Prazo de {rules.deadline_days} dias:** até {fmt.day(preview.deadline)}")
        if preview.errors and touched:
            st.error(
                "**Para salvar, corrija:**\n\n"
                + "\n".join(
                    f"- **{dr.field_label(f)}:** {plain(f.message)}" for f in preview.errors
                ),
                icon=":material/block:",
            )
        for f in preview.warnings:
            st.warning(f"**{dr.field_label(f)}:** {plain(f.message)}", icon=":material/warning:")
