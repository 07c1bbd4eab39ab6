"""Desconto em fatura: the attendant's request form, with a live preview beside it.

No st.form: the preview must follow every change. Saving happens in the button's on_click
callback (STYLE.md): it reads the widgets' state, saves through the use-case with the form's
idempotency key, and clears the form (new widget keys) only after a successful save.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from lib import fmt
from lib.auth import Perm, User, can
from lib.discount import METHODS, Rules
from lib.domain import FINANCE_DEPARTMENT, REASONS, TZ, VISIT_FINDINGS, DomainError
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import lookups, settings
from lib.usecases import request_form as dr
from lib.usecases.discount_requests import DiscountRequestInput, Preview
from lib.usecases.opening import TicketExtras
from ui import forms, session
from ui.customer_picker import CustomerChoice, customer_picker
from ui.ticket_fields import TicketFields

FORM = "dr"
K = forms.form_prefix(FORM)  # every widget of this form; forms.reset(FORM) empties it
RESULT = "discount_request_result"  # outlives the clear: shown after the rerun
SAVE_ERROR = "discount_request_save_error"


def _aware(value: datetime | None) -> datetime | None:
    """The widgets give naive local times: they are São Paulo times."""
    if value is None:
        return None
    return value.replace(tzinfo=TZ, second=0, microsecond=0) if value.tzinfo is None else value


def _local_now() -> datetime:
    """Now in São Paulo, naive and to the minute: what the datetime widgets hold. (Their own
    default "now" is the server's clock, which need not be in São Paulo.)"""
    return clock_now().replace(tzinfo=None, second=0, microsecond=0)


def _reason_details(reason: int | None) -> tuple[dict[str, Any], datetime | None]:
    ss = st.session_state
    if reason == 1:
        return {
            "booked_visit_date": ss.get(f"{K}r1_booked"),
            "new_visit_date": ss.get(f"{K}r1_new"),
        }, None
    if reason == 2:
        details = {"visit_finding": ss.get(f"{K}r2_found"), "visit_date": ss.get(f"{K}r2_visit")}
        if details["visit_finding"] == "outro":
            details["visit_finding_other"] = (ss.get(f"{K}r2_other") or "").strip()
        return details, None
    if reason in (3, 4, 5):
        name = (ss.get(f"{K}r35_incident") or "").strip()
        return ({"incident": name} if name else {}), _aware(ss.get(f"{K}r35_start"))
    return {}, None


def _form_from_state(choice: CustomerChoice, extras: TicketExtras, rules: Rules) -> dr.FormInput:
    """What the widgets hold now (read from session_state, so the save callback sees the last
    keystrokes too). The customer block and the extras are selectboxes: they rerun at once."""
    ss = st.session_state
    reason = ss.get(f"{K}reason")
    details, incident = _reason_details(reason)
    pending = bool(ss.get(f"{K}pending"))
    method = ss.get(f"{K}method") or rules.default_method
    data = DiscountRequestInput(
        customer_id=choice.customer_id,
        login_id=choice.login_id,
        contract_id=choice.contract_id,
        reason=reason,
        occurred_on=ss.get(f"{K}occurred_on"),
        opened_at=_aware(ss.get(f"{K}opened_at")),
        signal_returned_at=None if pending else _aware(ss.get(f"{K}returned_at")),
        opa_protocol=ss.get(f"{K}opa") or "",
        description=ss.get(f"{K}description") or "",
        message=ss.get(f"{K}message") or "",
        reason_details=details,
        incident_started_at=incident,
        method=None if method == rules.default_method else method,
        address=choice.address,
        extras=extras,
    )
    return dr.FormInput(data, signal_pending=pending)


def _save(store: Store, user: User, choice: CustomerChoice, extras: TicketExtras) -> None:
    """on_click: validate, save, and clear the form only when the save succeeded."""
    ss = st.session_state
    if ss.get(RESULT) and ss.get(f"{K}customer") is None:
        return  # the second click of a double click lands on the form the first one cleared
    rules = settings.current(store, user)
    form = _form_from_state(choice, extras, rules)
    key = forms.idempotency_key(K)
    try:
        now = clock_now()
        preview = dr.preview(store, user, form, now)
        if preview.errors:
            raise DomainError(
                "Não foi salvo. Corrija: "
                + " ".join(f"{dr.field_label(f)}: {f.message}" for f in preview.errors)
            )
        opened = dr.submit(store, user, form, key, now)
    except DomainError as exc:
        ss[SAVE_ERROR] = str(exc)
        return
    name = (choice.customer or {}).get("name", "")
    ss[RESULT] = {
        "ticket_id": opened.ticket_id,
        "protocol": opened.protocol,
        "script": dr.customer_script(
            name, opened.protocol, preview.invoice_due_date, form.signal_pending
        ),
        "waiting": form.signal_pending,
    }
    ss.pop(SAVE_ERROR, None)
    forms.reset(FORM)


def _show_result() -> None:
    res = st.session_state.get(RESULT)
    if not res:
        return
    with st.container(border=True, key="discount_result"):
        st.success(
            f"Pedido de desconto registrado: atendimento **#{res['ticket_id']}**, "
            "enviado ao FINANCEIRO." + (" Aguardando o retorno do sinal." if res["waiting"] else "")
        )
        left, right = st.columns([1, 2])
        with left:
            st.markdown("**Protocolo**")
            st.code(res["protocol"], language=None)
        with right:
            st.markdown("**Leia para o cliente**")
            st.code(res["script"], language=None, wrap_lines=True)
        links = st.container(horizontal=True)
        with links:
            st.page_link(
                "pages/tickets.py",
                label="Ver o atendimento",
                icon=":material/open_in_new:",
                query_params={"id": str(res["ticket_id"])},
            )
            st.button(
                "Fechar aviso",
                key="discount_result_close",
                on_click=lambda: st.session_state.pop(RESULT, None),
            )


def _reason_block() -> int | None:
    st.caption(
        "O desconto é concedido **somente quando o cliente pede**, e só por um destes motivos."
    )
    codes = list(REASONS)
    reason = st.radio(
        "Motivo",
        codes,
        index=None,
        format_func=lambda c: f"{c}. {REASONS[c].label}",
        captions=[REASONS[c].hint for c in codes],
        key=f"{K}reason",
    )
    if reason == 1:
        left, right = st.columns(2)
        left.date_input(
            "Data agendada da visita", value=None, format="DD/MM/YYYY", key=f"{K}r1_booked"
        )
        right.date_input("Nova data da visita", value=None, format="DD/MM/YYYY", key=f"{K}r1_new")
    elif reason == 2:
        left, right = st.columns(2)
        found = left.selectbox(
            "O que a visita constatou",
            list(VISIT_FINDINGS),
            index=None,
            format_func=VISIT_FINDINGS.get,
            placeholder="Escolha",
            key=f"{K}r2_found",
        )
        right.date_input("Data da visita", value=None, format="DD/MM/YYYY", key=f"{K}r2_visit")
        if found == "outro":
            st.text_input("Qual problema a visita constatou?", key=f"{K}r2_other")
    elif reason in (3, 4, 5):
        left, right = st.columns(2)
        left.text_input(
            "Incidente (opcional)",
            key=f"{K}r35_incident",
            placeholder="Ex.: rompimento na Av. Brasil",
        )
        right.datetime_input(
            "Início do incidente (opcional)",
            value=None,
            format="DD/MM/YYYY",
            step=60,
            key=f"{K}r35_start",
            help="Se o incidente começou antes da abertura do chamado, o período do desconto "
            "começa no início do incidente.",
        )
    return reason


def _times_block() -> None:
    local_now = _local_now()
    a, b = st.columns(2)
    a.date_input(
        "Data ocorrido", value=local_now.date(), format="DD/MM/YYYY", key=f"{K}occurred_on"
    )
    b.datetime_input(
        "Hora da abertura do chamado",
        value=local_now,
        format="DD/MM/YYYY",
        step=60,
        key=f"{K}opened_at",
    )
    c, d = st.columns(2, vertical_alignment="bottom")
    pending = bool(st.session_state.get(f"{K}pending"))
    c.datetime_input(
        "Hora do retorno do sinal da internet",
        value=None,
        format="DD/MM/YYYY",
        step=60,
        key=f"{K}returned_at",
        disabled=pending,
    )
    d.toggle(
        "O sinal ainda não voltou",
        key=f"{K}pending",
        help="Salve sem o retorno: o pedido fica aguardando e o valor é calculado quando "
        "alguém registrar a hora do retorno.",
    )
    st.caption("Horários de Brasília (America/Sao_Paulo).")


def _text_block(rules: Rules) -> None:
    st.text_input(
        "Protocolo OPA",
        key=f"{K}opa",
        live=True,
        max_chars=40,
        placeholder="Protocolo do atendimento na OPA Suite",
        help=f"Obrigatório: {rules.opa_hint}.",
    )
    st.text_area(
        "Descrição",
        key=f"{K}description",
        height=90,
        placeholder="O motivo, nas suas palavras (o que o cliente relatou).",
    )
    st.text_area(
        "Mensagem (opcional)",
        key=f"{K}message",
        height=68,
        placeholder="Observação para o financeiro.",
    )


def _method_block(user: User, rules: Rules) -> None:
    default = rules.default_method
    if can(user, Perm.CHOOSE_METHOD):
        codes = list(METHODS)
        st.session_state.setdefault(f"{K}method", default)
        st.selectbox(
            "Método de cálculo",
            codes,
            format_func=lambda m: METHODS[m].label + (" · padrão" if m == default else ""),
            key=f"{K}method",
            help="O padrão vem das configurações; só supervisores escolhem outro.",
        )
        st.caption(METHODS[st.session_state[f"{K}method"]].source)
    else:
        st.markdown(f"**Método de cálculo:** {METHODS[default].label}")
        st.caption(f"{METHODS[default].source}. Só um supervisor escolhe outro método.")


def _units(calc) -> str:
    units = fmt.number(calc.counted_units, 4)
    method = METHODS[calc.method]
    return f"{units} {method.unit_singular if calc.counted_units == 1 else method.unit_plural}"


def _show_preview(preview: Preview, form: dr.FormInput, rules: Rules) -> None:
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
        if preview.errors:
            st.error(
                "**Para salvar, corrija:**\n\n"
                + "\n".join(f"- **{dr.field_label(f)}:** {f.message}" for f in preview.errors),
                icon=":material/block:",
            )
        for f in preview.warnings:
            st.warning(f"**{dr.field_label(f)}:** {f.message}", icon=":material/warning:")


# --- the page ---------------------------------------------------------------------------------

user = session.require(Perm.OPEN_DISCOUNT)
store = session.store()
rules = settings.current(store, user)

st.title("Desconto em fatura")
_show_result()

form_col, preview_col = st.columns([3, 2], gap="large")
with form_col:
    st.subheader("1. Cliente")
    choice = customer_picker(store, user, K)
    st.subheader("2. Motivo")
    _reason_block()
    st.subheader("3. Datas e horas")
    _times_block()
    st.subheader("4. Protocolo e descrição")
    _text_block(rules)
    st.subheader("5. Método de cálculo")
    _method_block(user, rules)
    finance = next(
        (
            d["id"]
            for d in lookups.options(store, user, "department")
            if d["name"] == FINANCE_DEPARTMENT
        ),
        None,
    )
    with st.expander("Mais campos do atendimento", expanded=False):
        extras = TicketFields(store, user, f"{K}x_").extras_block(finance)

form = _form_from_state(choice, extras, rules)
preview = dr.preview(store, user, form)
forms.idempotency_key(K)  # created now, kept until the form is cleared after a save
st.html(  # keep the preview in sight while the attendant scrolls through the form
    "<style>[data-testid='stColumn']:has(.st-key-discount_side)"
    "{position:sticky;top:3.5rem;align-self:flex-start;z-index:2}</style>"
)
with preview_col, st.container(key="discount_side"):
    _show_preview(preview, form, rules)
    error = st.session_state.pop(SAVE_ERROR, None)
    if error:
        st.error(error, icon=":material/error:")
    st.button(
        "Registrar pedido de desconto",
        key="discount_save",
        type="primary",
        icon=":material/send:",
        width="stretch",
        on_click=_save,
        args=(store, user, choice, extras),
    )
    st.caption("Cria um atendimento para o FINANCEIRO: assunto DESCONTO EM FATURA, status Novo.")
