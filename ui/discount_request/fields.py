"""The discount request form's input blocks: Motivo, Datas e horas, Protocolo e descrição,
Método de cálculo, and the confirmations an exception asks for beside the preview. Each block
draws its widgets under the form's key prefix `key`; the values are read back from
session_state by `ui.discount_request.state.form_from_state`.

Every date widget takes any date (ui.ticket_fields.ANY_DATE_MIN…): what the attendant sees is
what the script gets, and the use-case refuses an implausible date in pt-BR."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from lib.auth import Perm, User, can
from lib.discount import METHODS, Rules
from lib.domain import REASONS, VISIT_FINDINGS
from lib.domain import now as clock_now
from lib.usecases.discount_requests import Preview, may_override_overlap
from ui import forms
from ui.discount_request.state import follow_start, touch
from ui.ticket_fields import ANY_DATE_MAX, ANY_DATE_MIN, ANY_DATETIME_MAX, ANY_DATETIME_MIN


def _local_now() -> datetime:
    """Now in São Paulo, naive and to the minute: what the datetime widgets hold. (Their own
    default "now" is the server's clock, which need not be in São Paulo.)"""
    return clock_now().replace(tzinfo=None, second=0, microsecond=0)


def reason_block(key: str) -> int | None:
    """The reason radio and the details that reason asks for; returns the chosen reason."""
    st.caption(
        "O desconto é concedido **somente quando o cliente pede**, e só por um destes motivos."
    )
    codes = list(REASONS)
    reason: int | None = st.radio(
        "Motivo",
        codes,
        index=None,
        format_func=lambda c: f"{c}. {REASONS[c].label}",
        captions=[REASONS[c].hint for c in codes],
        key=f"{key}reason",
        on_change=follow_start,
        args=(key,),
    )
    if reason == 1:
        left, right = st.columns(2)
        left.date_input(
            "Data agendada da visita",
            value=None,
            key=f"{key}r1_booked",
            format="DD/MM/YYYY",
            min_value=ANY_DATE_MIN,
            max_value=ANY_DATE_MAX,
        )
        right.date_input(
            "Nova data da visita",
            value=None,
            key=f"{key}r1_new",
            format="DD/MM/YYYY",
            min_value=ANY_DATE_MIN,
            max_value=ANY_DATE_MAX,
        )
    elif reason == 2:
        left, right = st.columns(2)
        found = left.selectbox(
            "O que a visita constatou",
            list(VISIT_FINDINGS),
            index=None,
            format_func=forms.labels(VISIT_FINDINGS),
            placeholder="Escolha",
            key=f"{key}r2_found",
        )
        right.date_input(
            "Data da visita",
            value=None,
            key=f"{key}r2_visit",
            format="DD/MM/YYYY",
            min_value=ANY_DATE_MIN,
            max_value=ANY_DATE_MAX,
        )
        if found == "outro":
            st.text_input("Qual problema a visita constatou?", key=f"{key}r2_other")
    elif reason in (3, 4, 5):
        left, right = st.columns(2)
        left.text_input(
            "Incidente (opcional)",
            key=f"{key}r35_incident",
            placeholder="Ex.: rompimento na Av. Brasil",
        )
        right.datetime_input(
            "Início do incidente (opcional)",
            value=None,
            key=f"{key}r35_start",
            help="Se o incidente começou antes da abertura do chamado, o período do desconto "
            "começa no início do incidente (e a Data ocorrido passa a ser o dia dele).",
            on_change=follow_start,
            args=(key,),
            format="DD/MM/YYYY",
            step=60,
            min_value=ANY_DATETIME_MIN,
            max_value=ANY_DATETIME_MAX,
        )
    return reason


def times_block(key: str) -> None:
    """Data ocorrido, the ticket's opening time and the signal's return (or that it has not
    returned yet)."""
    local_now = _local_now()
    # defaults through the state, which the callbacks also write (one source for each value)
    st.session_state.setdefault(f"{key}occurred_on", local_now.date())
    st.session_state.setdefault(f"{key}opened_at", local_now)
    a, b = st.columns(2)
    a.date_input(
        "Data ocorrido",
        value=None,
        key=f"{key}occurred_on",
        on_change=touch,
        args=(key,),
        format="DD/MM/YYYY",
        min_value=ANY_DATE_MIN,
        max_value=ANY_DATE_MAX,
    )
    b.datetime_input(
        "Hora da abertura do chamado",
        value=None,
        key=f"{key}opened_at",
        on_change=follow_start,
        args=(key,),
        format="DD/MM/YYYY",
        step=60,
        min_value=ANY_DATETIME_MIN,
        max_value=ANY_DATETIME_MAX,
    )
    c, d = st.columns(2, vertical_alignment="bottom")
    pending = bool(st.session_state.get(f"{key}pending"))
    c.datetime_input(
        "Hora do retorno do sinal da internet",
        value=None,
        key=f"{key}returned_at",
        disabled=pending,
        format="DD/MM/YYYY",
        step=60,
        min_value=ANY_DATETIME_MIN,
        max_value=ANY_DATETIME_MAX,
    )
    d.toggle(
        "O sinal ainda não voltou",
        key=f"{key}pending",
        help="Salve sem o retorno: o pedido fica aguardando e o valor é calculado quando "
        "alguém registrar a hora do retorno.",
    )
    st.caption("Horários de Brasília (America/Sao_Paulo).")


def text_block(key: str, rules: Rules) -> None:
    """Protocolo OPA, Descrição and Mensagem."""
    st.text_input(
        "Protocolo OPA",
        key=f"{key}opa",
        live=True,
        max_chars=40,
        placeholder="Protocolo do atendimento na OPA Suite",
        help=f"Obrigatório: {rules.opa_hint}.",
    )
    st.text_area(
        "Descrição",
        key=f"{key}description",
        height=90,
        placeholder="O motivo, nas suas palavras (o que o cliente relatou).",
    )
    st.text_area(
        "Mensagem (opcional)",
        key=f"{key}message",
        height=68,
        placeholder="Observação para o financeiro.",
    )


def method_block(key: str, user: User, rules: Rules) -> None:
    """The calculation method: a choice for supervisors, the configured default for the rest."""
    default = rules.default_method
    if can(user, Perm.CHOOSE_METHOD):
        codes = list(METHODS)
        st.session_state.setdefault(f"{key}method", default)
        st.selectbox(
            "Método de cálculo",
            codes,
            format_func=lambda m: METHODS[m].label + (" · padrão" if m == default else ""),
            key=f"{key}method",
            help="O padrão vem das configurações; só supervisores escolhem outro.",
        )
        st.caption(METHODS[st.session_state[f"{key}method"]].source)
    else:
        st.markdown(f"**Método de cálculo:** {METHODS[default].label}")
        st.caption(f"{METHODS[default].source}. Só um supervisor escolhe outro método.")


def exceptions_block(key: str, preview: Preview, user: User) -> None:
    """The explicit confirmations an exception needs before the save: under the minimum or
    past the deadline, a confirmation and its reason (finance reads it); an overlap with
    another discount of the contract, a supervisor's release and its reason."""
    if preview.needs_confirmation:
        with st.container(border=True, key="discount_confirm"):
            st.checkbox(
                "Enviar ao financeiro mesmo assim",
                key=f"{key}confirm",
                help="Abaixo do mínimo, o valor é zero; fora do prazo, o ressarcimento não é "
                "devido. O financeiro verá o motivo.",
            )
            st.text_input(
                "Motivo do envio",
                key=f"{key}confirm_reason",
                live=True,
                max_chars=300,
                placeholder="Por que enviar mesmo assim (o financeiro verá)",
                disabled=not st.session_state.get(f"{key}confirm"),
            )
    if preview.overlaps:
        with st.container(border=True, key="discount_overlap"):
            if not may_override_overlap(user):
                st.caption(
                    "Só um supervisor libera um desconto que cobre o mesmo período de outro do "
                    "mesmo contrato."
                )
                return
            st.checkbox("Liberar a sobreposição (supervisor)", key=f"{key}overlap_ok")
            st.text_input(
                "Motivo da liberação",
                key=f"{key}overlap_reason",
                live=True,
                max_chars=300,
                placeholder="Por que os dois descontos podem cobrir o mesmo período",
                disabled=not st.session_state.get(f"{key}overlap_ok"),
            )
