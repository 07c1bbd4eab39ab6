"""Novo atendimento: a ticket of any subject, field by field as the procedure's "Como criar um
atendimento" lists them. `?cliente=<id>` opens it for that customer (Cliente > Atendimentos > Novo).
"""

from __future__ import annotations

import streamlit as st

from lib import fmt
from lib.auth import Perm, User
from lib.domain import (
    ACTION_LABELS,
    DISCOUNT_SUBJECT,
    ORIGIN_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    DomainError,
    Status,
)
from lib.store import Store
from lib.usecases import customers, lookups, opening, ticket_actions
from lib.usecases.opening import TicketExtras, TicketInput
from ui import forms, session
from ui.customer_picker import chosen_ids, customer_picker
from ui.ticket_fields import TicketFields

FORM_NAME = "nt"
FORM = forms.form_prefix(
    FORM_NAME
)  # every widget key of the form starts with this; new after a save
LAST = "novo_last"  # the ticket just saved (kept after the form is cleared)
ERROR = "novo_error"
FLASH = "novo_flash"
PRESET = "novo_cliente"

user = session.require(Perm.OPEN_TICKET)
store = session.store()


def _preset_customer() -> int | None:
    """`?cliente=<id>` (Cliente > Atendimentos > Novo). Kept in the session: Streamlit drops the
    query string on later reruns, and the customer must stay filled until the attendant changes it."""
    raw = st.query_params.get("cliente")
    if raw:
        try:
            st.session_state[PRESET] = int(raw)
        except ValueError:
            st.session_state.pop(PRESET, None)
    return st.session_state.get(PRESET)


def _other_customer() -> None:
    st.session_state.pop(PRESET, None)
    st.query_params.clear()
    st.session_state[forms.form_prefix(FORM_NAME) + "customer"] = None


preset = _preset_customer()
subjects = {
    s["id"]: s
    for s in lookups.options(store, user, "subject")
    if s["name"] != DISCOUNT_SUBJECT  # opened on its own page, with the calculation
}
departments = {d["id"]: d for d in lookups.options(store, user, "department")}


def _on_subject() -> None:
    """Choosing a subject fills the description and brings its department and priority."""
    FORM = forms.form_prefix(FORM_NAME)  # noqa: N806
    subject = subjects.get(st.session_state.get(f"{FORM}subject"))
    if subject is None:
        return
    st.session_state[f"{FORM}description"] = subject["description"]
    if subject["department_id"] in departments:
        st.session_state[f"{FORM}department"] = subject["department_id"]
    # set, not deleted: the browser keeps showing a widget's old value unless the server sets it
    st.session_state[f"{FORM}priority"] = subject["priority"]


def _save(store: Store, user: User, preset: int | None) -> None:
    state = st.session_state
    FORM = forms.form_prefix(FORM_NAME)  # noqa: N806
    chosen = chosen_ids(FORM, preset)
    data = TicketInput(
        subject_id=state.get(f"{FORM}subject"),
        department_id=state.get(f"{FORM}department"),
        customer_id=chosen.customer_id,
        login_id=chosen.login_id,
        contract_id=chosen.contract_id,
        subject_description=state.get(f"{FORM}description") or "",
        message=state.get(f"{FORM}message") or "",
        origin="I",
        address=chosen.address,
        extras=TicketExtras(
            priority=state.get(f"{FORM}priority") or "M",
            responsible_id=state.get(f"{FORM}responsible"),
            reserved_date=state.get(f"{FORM}reserved_date"),
            best_time=state.get(f"{FORM}best_time"),
            pending_interaction=state.get(f"{FORM}pending") or "N",
            canned_response_id=state.get(f"{FORM}canned"),
            process_id=state.get(f"{FORM}process"),
            complementary_status_id=state.get(f"{FORM}complementary"),
        ),
    )
    try:
        opened = opening.open_ticket(store, user, data, forms.idempotency_key(FORM))
    except DomainError as exc:
        state[ERROR] = str(exc)
        return
    forms.reset(FORM_NAME)
    state.pop(ERROR, None)
    state.pop(FLASH, None)
    state[LAST] = opened.ticket_id


def _assume(store: Store, user: User, ticket_id: int, status: str) -> None:
    try:
        done = ticket_actions.assume(store, user, ticket_id, expected_status=status)
    except DomainError as exc:
        st.session_state[FLASH] = (ticket_id, "error", str(exc))
        return
    st.session_state[FLASH] = (ticket_id, "success", done.message)


def _recent(customer_id: int, title: str) -> None:
    found = customers.recent_tickets(store, user, customer_id)
    st.markdown(f"**{title}**")
    if not found:
        st.caption("Nenhum atendimento deste cliente ainda.")
        return
    st.dataframe(
        [
            {
                "ID": t["id"],
                "Protocolo": t["protocol"],
                "Assunto": t["subject"],
                "Departamento": t["department"],
                "Status": STATUS_LABELS[Status(t["status"])],
                "Prioridade": PRIORITY_LABELS[t["priority"]],
                "Aberto em": fmt.day_time(t["opened_at"]),
                "Responsável": t["responsible"] or "—",
            }
            for t in found
        ],
        hide_index=True,
        key=f"novo_recent_{customer_id}",
    )


def _saved_panel(ticket_id: int) -> None:
    """The ticket just saved: ID, Protocolo, Status, Assumir and its history."""
    ticket, _, history = ticket_actions.ticket_detail(store, user, ticket_id)
    status = Status(ticket["status"])
    with st.container(border=True, key="novo_saved"):
        st.subheader(f"Atendimento #{ticket['id']} · {ticket['subject']}")
        cols = st.columns(3)
        cols[0].metric("ID", str(ticket["id"]))
        cols[1].metric("Protocolo", ticket["protocol"])
        cols[2].metric("Status", status.label)
        st.info(
            f"Informe ao cliente o protocolo **{ticket['protocol']}**.",
            icon=":material/support_agent:",
        )
        flash = st.session_state.get(FLASH)
        if flash and flash[0] == ticket_id:  # shown until the next action, whatever reruns
            (st.success if flash[1] == "success" else st.error)(flash[2])
        st.markdown("**Movimentações/Histórico**")
        if status in (Status.NOVO, Status.PENDENTE):
            st.button(
                "Assumir",
                key="novo_assume",
                icon=":material/assignment_ind:",
                on_click=_assume,
                args=(store, user, ticket_id, status.value),
                help="Você passa a ser o responsável e o atendimento fica Em progresso.",
            )
        st.dataframe(
            [
                {
                    "Quando": fmt.day_time(m["created_at"]),
                    "Movimentação": ACTION_LABELS.get(m["kind"], m["kind"]),
                    "Status": " → ".join(
                        STATUS_LABELS[Status(s)]
                        for s in dict.fromkeys((m["from_status"], m["to_status"]))
                        if s
                    ),
                    "Quem": m["staff"] or "—",
                    "Nota": m["note"],
                    "Visível ao cliente": "Sim" if m["customer_visible"] else "Não",
                }
                for m in history
            ],
            hide_index=True,
            key=f"novo_history_{ticket_id}",
        )
        if ticket["customer_id"] is not None:
            _recent(ticket["customer_id"], f"Atendimentos de {ticket['customer']}")
            st.page_link(
                "pages/new_ticket.py",
                label="Novo atendimento para este cliente",
                icon=":material/add_circle:",
                query_params={"cliente": str(ticket["customer_id"])},
            )


# --- the page ---------------------------------------------------------------------------------

st.title("Novo atendimento")
if preset is not None:
    st.caption("Cliente > Atendimentos > Novo")
    st.button(
        "Escolher outro cliente",
        key="novo_other_customer",
        icon=":material/person_search:",
        on_click=_other_customer,
    )
forms.required_note(
    "Campos marcados são obrigatórios. Pedidos de **DESCONTO EM FATURA** têm página própria, "
    "com o cálculo do período e do valor."
)

ids = st.columns(2)
ids[0].text_input(
    "ID",
    value="",
    placeholder="Gerado ao salvar",
    disabled=True,
    key="novo_id",
    help="Número interno, gerado automaticamente; nunca se repete.",
)
ids[1].text_input(
    "Protocolo",
    value="",
    placeholder="Gerado ao salvar",
    disabled=True,
    key="novo_protocol",
    help="Gerado automaticamente e nunca se repete: é o número que você informa ao cliente.",
)

chosen_subject = subjects.get(st.session_state.get(f"{FORM}subject"))
login_required = bool(chosen_subject and chosen_subject["login_required"])


def _subject_fields() -> None:
    st.selectbox(
        "Assunto",
        list(subjects),
        index=None,
        format_func=lambda i: (
            subjects[i]["name"] + (" · login obrigatório" if subjects[i]["login_required"] else "")
        ),
        key=f"{FORM}subject",
        placeholder="Escolha o assunto",
        on_change=_on_subject,
        required=True,
        help="O assunto preenche a descrição e traz o departamento e a prioridade padrão. "
        "Assuntos com login obrigatório exigem Login e Contrato.",
    )
    st.text_area(
        "Descrição do assunto",
        key=f"{FORM}description",
        height=80,
        placeholder="Preenchida pelo assunto; você pode editar",
    )


forms.idempotency_key(FORM)  # one key per ticket being filled, kept until a save succeeds
fields = TicketFields(store, user, FORM)
customer_picker(
    store,
    user,
    FORM,
    preset_customer_id=preset,
    login_required=login_required,
    after_links=_subject_fields,
    address_without_customer=True,
)

left, right = st.columns(2)
with left:
    fields.process()
with right:
    department_id = st.selectbox(
        "Departamento",
        list(departments),
        index=None,
        format_func=lambda i: departments[i]["name"],
        key=f"{FORM}department",
        placeholder="Escolha o departamento",
        required=True,
    )
left, right = st.columns(2)
with left:
    fields.responsible(department_id)
with right:
    fields.priority(chosen_subject["priority"] if chosen_subject else "M", required=True)
fields.reserved()
left, right = st.columns(2)
with left:
    st.selectbox(
        "Origem",
        list(ORIGIN_LABELS),
        index=0,
        format_func=ORIGIN_LABELS.get,
        key="novo_ticket_origin",
        disabled=True,
        required=True,
        help="Interna: aberto pela equipe. Hotsite fica para os atendimentos que o próprio "
        "cliente abre na central do assinante.",
    )
with right:
    fields.canned_response()
st.text_area(
    "Mensagem",
    key=f"{FORM}message",
    height=110,
    placeholder="Descreva a situação que levou à abertura do atendimento",
)
left, right = st.columns(2)
with left:
    fields.pending_interaction(required=True)
with right:
    st.text_input(
        "Status",
        value=Status.NOVO.label,
        disabled=True,
        key="novo_status",
        required=True,
        help="Definido pelo fluxo do atendimento; não se edita. Todo atendimento nasce Novo.",
    )
fields.complementary_status()

error = st.session_state.get(ERROR)
if error:
    st.error(error, icon=":material/error:")
st.button(
    "Salvar",
    type="primary",
    key="novo_save",
    icon=":material/save:",
    on_click=_save,
    args=(store, user, preset),
)

last = st.session_state.get(LAST)
if last is not None:
    _saved_panel(last)
