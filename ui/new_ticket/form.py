"""The "Novo atendimento" form's own widgets, those the discount form does not share (the shared
optional fields are in ui.ticket_fields): the options it offers, the preset customer's header,
ID and Protocolo, Assunto, Departamento, Origem, Mensagem, Status and the Salvar button."""

from __future__ import annotations

import streamlit as st

from lib.auth import User
from lib.domain import DISCOUNT_SUBJECT, ORIGIN_LABELS, Status
from lib.store import Store
from lib.usecases import lookups
from ui import forms
from ui.new_ticket.state import ERROR, on_subject, other_customer, save
from ui.text import plain


def subject_options(store: Store, user: User) -> dict[int, dict]:
    """The active subjects by id, except the discount's."""
    return {
        s["id"]: s
        for s in lookups.options(store, user, "subject")
        if s["name"] != DISCOUNT_SUBJECT  # opened on its own page, with the calculation
    }


def department_options(store: Store, user: User) -> dict[int, dict]:
    """The active departments by id."""
    return {d["id"]: d for d in lookups.options(store, user, "department")}


def preset_header() -> None:
    """Opened from a customer: where we came from, and the way to another customer."""
    st.caption("Cliente > Atendimentos > Novo")
    st.button(
        "Escolher outro cliente",
        key="novo_other_customer",
        icon=":material/person_search:",
        on_click=other_customer,
    )


def id_fields() -> None:
    """ID and Protocolo, empty until the save generates them."""
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


def subject_fields(form: str, subjects: dict[int, dict], departments: dict[int, dict]) -> None:
    """Assunto and Descrição do assunto (the customer picker places them after Contrato)."""
    st.selectbox(
        "Assunto",
        list(subjects),
        index=None,
        format_func=lambda i: (
            subjects[i]["name"] + (" · login obrigatório" if subjects[i]["login_required"] else "")
        ),
        key=f"{form}subject",
        placeholder="Escolha o assunto",
        on_change=on_subject,
        args=(subjects, departments),
        required=True,
        help="O assunto preenche a descrição e traz o departamento e a prioridade padrão. "
        "Assuntos com login obrigatório exigem Login e Contrato.",
    )
    st.text_area(
        "Descrição do assunto",
        key=f"{form}description",
        height=80,
        placeholder="Preenchida pelo assunto; você pode editar",
    )


def department_field(form: str, departments: dict[int, dict]) -> int | None:
    """Departamento; the subject brings its default."""
    return st.selectbox(
        "Departamento",
        list(departments),
        index=None,
        format_func=lambda i: departments[i]["name"],
        key=f"{form}department",
        placeholder="Escolha o departamento",
        required=True,
    )


def origin_field() -> None:
    """Origem: always Interna here, shown for the procedure's sake."""
    st.selectbox(
        "Origem",
        list(ORIGIN_LABELS),
        index=0,
        format_func=forms.labels(ORIGIN_LABELS),
        key="novo_ticket_origin",
        disabled=True,
        required=True,
        help="Interna: aberto pela equipe. Hotsite fica para os atendimentos que o próprio "
        "cliente abre na central do assinante.",
    )


def message_field(form: str) -> None:
    """Mensagem: what led to the ticket, in the attendant's words."""
    st.text_area(
        "Mensagem",
        key=f"{form}message",
        height=110,
        placeholder="Descreva a situação que levou à abertura do atendimento",
    )


def status_field() -> None:
    """Status: not editable, every ticket starts Novo."""
    st.text_input(
        "Status",
        value=Status.NOVO.label,
        disabled=True,
        key="novo_status",
        required=True,
        help="Definido pelo fluxo do atendimento; não se edita. Todo atendimento nasce Novo.",
    )


def save_button(store: Store, user: User, preset: int | None) -> None:
    """The last refused save's message, then Salvar."""
    error = st.session_state.get(ERROR)
    if error:
        st.error(plain(error), icon=":material/error:")
    st.button(
        "Salvar",
        type="primary",
        key="novo_save",
        icon=":material/save:",
        on_click=save,
        args=(store, user, preset),
    )
