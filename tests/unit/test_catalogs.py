"""The supervisors' lists: create, edit, switch off; validation in pt-BR; old tickets keep items."""

from __future__ import annotations

from datetime import datetime

import pytest

from lib.domain import TZ, DomainError, PermissionDenied
from lib.store import catalog as cat
from lib.usecases import catalogs, lookups, opening, ticket_actions
from lib.usecases.opening import TicketExtras, TicketInput

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)


def _id(world, table, name):
    with world.store.read() as cur:
        return cat.find_item(cur, table, name)["id"]


def _names(world, table):
    key = catalogs.LISTS[table].key
    return [o[key] for o in lookups.options(world.store, world.atendente, table)]


@pytest.mark.parametrize(
    ("table", "values"),
    [
        (
            "subject",
            {
                "name": "TROCA DE ROTEADOR",
                "description": "Troca do roteador em comodato",
                "department_id": "SUPORTE",
                "priority": "A",
                "login_required": True,
            },
        ),
        ("department", {"name": "OUVIDORIA"}),
        ("canned_response", {"title": "Em rota", "body": "O técnico está a caminho."}),
        ("process", {"name": "Troca de equipamento", "description": "Abre a OS de troca"}),
        ("complementary_status", {"name": "Aguardando autorização"}),
    ],
)
def test_each_list_creates_edits_and_switches_off(world, table, values):
    sup = world.supervisor
    if "department_id" in values:
        values = {**values, "department_id": _id(world, "department", values["department_id"])}
    key = catalogs.LISTS[table].key
    item_id = catalogs.create(world.store, sup, table, values)
    assert values[key] in _names(world, table)

    catalogs.edit(world.store, sup, table, item_id, {key: values[key] + " 2"})
    with world.store.read() as cur:
        item = cat.get_item(cur, table, item_id)
    assert item[key] == values[key] + " 2"
    for field, value in values.items():  # fields not sent are kept
        if field != key:
            assert item[field] == value

    message = catalogs.set_active(world.store, sup, table, item_id, False)
    assert message == f"{values[key]} 2 desligado."
    assert values[key] + " 2" not in _names(world, table)
    assert item_id in [i["id"] for i in catalogs.list_all(world.store, sup, table)]
    catalogs.set_active(world.store, sup, table, item_id, True)
    assert values[key] + " 2" in _names(world, table)


def test_names_are_required_and_unique_ignoring_case(world):
    sup = world.supervisor
    with pytest.raises(DomainError, match="^Nome: informe o nome"):
        catalogs.create(world.store, sup, "department", {"name": "  "})
    with pytest.raises(DomainError, match="^Nome: já existe o departamento suporte"):
        catalogs.create(world.store, sup, "department", {"name": "suporte"})
    with pytest.raises(DomainError, match="^Título: já existe a resposta padrão"):
        catalogs.create(
            world.store, sup, "canned_response", {"title": "Visita agendada", "body": "x"}
        )
    with pytest.raises(DomainError, match="^Mensagem: escreva o texto"):
        catalogs.create(world.store, sup, "canned_response", {"title": "Nova", "body": " "})
    noc = _id(world, "department", "NOC")
    with pytest.raises(DomainError, match="^Nome: já existe o departamento SUPORTE"):
        catalogs.edit(world.store, sup, "department", noc, {"name": "SUPORTE"})
    catalogs.edit(world.store, sup, "department", noc, {"name": "noc"})  # its own name: fine


def test_a_subject_needs_an_active_department_and_a_description(world):
    sup = world.supervisor
    base = {"name": "TESTE", "description": "Descrição", "priority": "M"}
    with pytest.raises(DomainError, match="^Departamento padrão: escolha o departamento"):
        catalogs.create(world.store, sup, "subject", {**base, "department_id": None})
    ouvidoria = catalogs.create(world.store, sup, "department", {"name": "OUVIDORIA"})
    catalogs.set_active(world.store, sup, "department", ouvidoria, False)
    with pytest.raises(DomainError, match="^Departamento padrão: escolha um departamento ativo"):
        catalogs.create(world.store, sup, "subject", {**base, "department_id": ouvidoria})
    with pytest.raises(DomainError, match="^Descrição padrão"):
        catalogs.create(
            world.store,
            sup,
            "subject",
            {**base, "description": "", "department_id": _id(world, "department", "NOC")},
        )


def test_a_department_in_use_by_active_subjects_cannot_be_switched_off(world):
    noc = _id(world, "department", "NOC")
    with pytest.raises(DomainError, match="ROMPIMENTO DE FIBRA"):
        catalogs.set_active(world.store, world.supervisor, "department", noc, False)


def test_the_discount_subject_and_finance_are_protected(world):
    sup = world.supervisor
    subject = _id(world, "subject", "DESCONTO EM FATURA")
    with pytest.raises(DomainError, match="não pode ser desligado"):
        catalogs.set_active(world.store, sup, "subject", subject, False)
    with pytest.raises(DomainError, match="não pode ser renomeado"):
        catalogs.edit(world.store, sup, "subject", subject, {"name": "DESCONTO"})
    catalogs.edit(world.store, sup, "subject", subject, {"description": "Outra descrição"})


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_supervisors_manage_lists(world, role):
    user = world.user(role)
    with pytest.raises(PermissionDenied):
        catalogs.create(world.store, user, "department", {"name": "OUVIDORIA"})
    with pytest.raises(PermissionDenied):
        catalogs.list_all(world.store, user, "subject")
    with pytest.raises(PermissionDenied):
        catalogs.set_active(world.store, user, "process", 1, False)


def test_a_switched_off_item_stays_on_old_tickets(world):
    sup = world.supervisor
    subject = _id(world, "subject", "SEGUNDA VIA DE BOLETO")
    process = _id(world, "process", "Instalação")
    status = _id(world, "complementary_status", "Aguardando cliente")
    opened = opening.open_ticket(
        world.store,
        world.atendente,
        TicketInput(
            subject_id=subject,
            department_id=_id(world, "department", "COBRANÇA"),
            customer_id=world.maria,
            extras=TicketExtras(process_id=process, complementary_status_id=status),
        ),
        "old-ticket",
        now=NOW,
    )
    for table, item_id in (
        ("subject", subject),
        ("process", process),
        ("complementary_status", status),
    ):
        catalogs.set_active(world.store, sup, table, item_id, False)
    ticket, _, _ = ticket_actions.ticket_detail(world.store, world.atendente, opened.ticket_id)
    assert ticket["subject"] == "SEGUNDA VIA DE BOLETO"
    assert ticket["process"] == "Instalação"
    assert ticket["complementary_status"] == "Aguardando cliente"
    # ... and a new ticket can no longer choose the subject
    with pytest.raises(DomainError, match="^Assunto: escolha um assunto ativo"):
        opening.open_ticket(
            world.store,
            world.atendente,
            TicketInput(subject_id=subject, department_id=ticket["department_id"]),
            "new-ticket",
            now=NOW,
        )
