"""Supervisors set the discount rules (DOMAIN.md's defaults are seeded by migration 002)."""

import streamlit as st

from lib.auth import Perm
from lib.discount import METHODS
from lib.domain import DomainError
from lib.usecases import settings
from ui import errors, session
from ui.text import plain

user = session.require(Perm.MANAGE_SETTINGS)
store = session.store()
st.title("Configurações do desconto")
st.caption(
    "Regras usadas no formulário de desconto e na aprovação. Valem para os próximos pedidos."
)

rules = settings.current(store, user)
methods = list(METHODS)

if message := st.session_state.pop("settings_flash", None):
    (st.success if message[0] == "ok" else st.error)(plain(message[1]))


@errors.callback_guard
def _save() -> None:
    s = st.session_state
    try:
        settings.update(
            store,
            user,
            min_minutes=s["cfg_min"],
            deadline_days=s["cfg_deadline"],
            max_fee_multiple=s["cfg_multiple"],
            opa_pattern=s["cfg_opa"],
            opa_hint=s["cfg_opa_hint"],
            default_method=s["cfg_method"],
            confirm_fee_multiple=s["cfg_confirm"],
            invoice_max_age_days=s["cfg_invoice_age"],
            invoice_max_ahead_days=s["cfg_invoice_ahead"],
        )
    except DomainError as exc:
        st.session_state["settings_flash"] = ("erro", errors.refusal(exc))
    else:
        st.session_state["settings_flash"] = ("ok", "Configurações salvas.")


with st.form("settings"):
    c1, c2 = st.columns(2)
    c1.number_input(
        "Interrupção mínima (minutos)",
        0,
        1440,
        rules.min_minutes,
        key="cfg_min",
        help="A Anatel conta interrupções a partir de 10 minutos; abaixo disso o valor é zero.",
    )
    c2.number_input(
        "Prazo de ressarcimento (dias)",
        1,
        3650,
        rules.deadline_days,
        key="cfg_deadline",
        help="O pedido carrega este prazo a partir da data do ocorrido (Anatel: 90 dias).",
    )
    c1, c2 = st.columns(2)
    c1.text_input(
        "Limite sem aprovação do supervisor (mensalidades)",
        str(rules.max_fee_multiple),
        key="cfg_multiple",
        help="Acima de tantas mensalidades, só um supervisor aprova o desconto.",
    )
    c2.text_input(
        "Confirmar aprovação acima de (mensalidades)",
        str(rules.confirm_fee_multiple),
        key="cfg_confirm",
        help="Acima de tantas mensalidades, quem aprova (até um supervisor) confirma o valor "
        "numa caixa de seleção: protege contra um valor digitado errado.",
    )
    c1, c2 = st.columns(2)
    c1.number_input(
        "Vencimento da fatura: até quantos dias atrás",
        0,
        3650,
        rules.invoice_max_age_days,
        key="cfg_invoice_age",
        help="Ao marcar como aplicado, uma fatura vencida há mais dias que isto é recusada "
        "(quase sempre um erro de digitação). Antes da interrupção, nunca.",
    )
    c2.number_input(
        "Vencimento da fatura: até quantos dias à frente",
        31,
        3650,
        rules.invoice_max_ahead_days,
        key="cfg_invoice_ahead",
        help="O desconto vai na próxima fatura em aberto; uma data mais distante é recusada.",
    )
    c1, c2 = st.columns(2)
    c1.text_input("Formato do protocolo OPA (expressão regular)", rules.opa_pattern, key="cfg_opa")
    c2.text_input("Explicação do formato para o atendente", rules.opa_hint, key="cfg_opa_hint")
    c1, _ = st.columns(2)
    c1.selectbox(
        "Método de cálculo padrão",
        methods,
        index=methods.index(rules.default_method),
        format_func=lambda m: METHODS[m].label,
        key="cfg_method",
    )
    st.form_submit_button("Salvar configurações", type="primary", on_click=_save)

st.subheader("Métodos de cálculo")
for m in METHODS.values():
    st.markdown(f"- **{m.label}** — {m.source}")

# --- incidents (issue 15) ---------------------------------------------------------------------
st.subheader("Incidentes")


@errors.callback_guard
def _save_auto() -> None:
    try:
        settings.set_incident_auto_compensation(store, user, st.session_state["cfg_inc_auto"])
    except DomainError as exc:
        st.session_state["settings_flash"] = ("erro", errors.refusal(exc))
    else:
        st.session_state["settings_flash"] = ("ok", "Configurações salvas.")


st.toggle(
    "Ressarcimento automático ao encerrar um incidente",
    value=rules.incident_auto_compensation,
    key="cfg_inc_auto",
    on_change=_save_auto,
    help="Desligado por padrão: o procedimento concede o desconto só quando o cliente pede. "
    "Ligado, ao encerrar um incidente, cada contrato afetado sem pedido recebe um pedido "
    "automático (origem Interna), como o ressarcimento automático da Anatel (RQUAL) espera.",
)


@errors.callback_guard
def _save_recent() -> None:
    try:
        settings.set_incident_recent_days(store, user, st.session_state["cfg_inc_recent"])
    except DomainError as exc:
        st.session_state["settings_flash"] = ("erro", errors.refusal(exc))
    else:
        st.session_state["settings_flash"] = ("ok", "Configurações salvas.")


st.number_input(
    "Propor no formulário um incidente encerrado há até (dias)",
    0,
    90,
    rules.incident_recent_days,
    key="cfg_inc_recent",
    on_change=_save_recent,
    help="Quem liga depois do fim do incidente ainda vê o incidente proposto no pedido de "
    "desconto durante estes dias (0: só incidentes em andamento).",
)
