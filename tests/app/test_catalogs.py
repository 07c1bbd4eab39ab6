"""Cadastros through app.py: a supervisor creates, edits and switches off list items; the new
ticket form follows at once."""

from __future__ import annotations

import pytest

from lib.store import catalog as cat
from tests.app.conftest import refused

PAGE = "pages/catalogs.py"


@pytest.fixture
def page(logged_in):
    at = logged_in("supervisor")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def find(store, table, name):
    with store.read() as cur:
        return cat.find_item(cur, table, name)


def test_lists_are_shown_with_their_state(page):
    assert [t.label for t in page.tabs] == [
        "Assuntos",
        "Departamentos",
        "Respostas padrão",
        "Processos",
        "Status complementares",
    ]
    subjects = page.dataframe[0].value
    row = subjects[subjects["Nome"] == "SEM CONEXÃO"].iloc[0]
    assert (row["Departamento padrão"], row["Prioridade padrão"]) == ("SUPORTE", "Alta")
    assert (row["Login obrigatório"], row["Situação"]) == ("Sim", "Ativo")


def test_create_a_subject_then_it_is_offered_with_its_defaults(page, app_env):
    w = app_env
    suporte = find(w.store, "department", "SUPORTE")["id"]
    page.text_input(key="cad_new_subject0_name").input("TROCA DE ROTEADOR")
    page.text_input(key="cad_new_subject0_description").input("Troca do roteador em comodato")
    page.selectbox(key="cad_new_subject0_department_id").set_value(suporte)
    page.selectbox(key="cad_new_subject0_priority").set_value("A")
    page.checkbox(key="cad_new_subject0_login_required").check()
    page.button(key="FormSubmitter:cad_new_subject-Cadastrar").click().run()
    assert not page.exception, page.exception
    assert page.success[0].value == "TROCA DE ROTEADOR cadastrado."
    item = find(w.store, "subject", "TROCA DE ROTEADOR")
    assert (item["department_id"], item["priority"], item["login_required"]) == (suporte, "A", True)
    assert page.text_input(key="cad_new_subject1_name").value == ""  # a fresh form

    page.switch_page("pages/new_ticket.py").run()
    page.selectbox(key="nt0_subject").set_value(item["id"]).run()
    assert page.text_area(key="nt0_description").value == "Troca do roteador em comodato"
    assert page.selectbox(key="nt0_priority").value == "A"


def test_a_duplicate_name_is_refused_naming_the_field(page, app_env):
    page.text_input(key="cad_new_department0_name").input("Suporte")
    page.button(key="FormSubmitter:cad_new_department-Cadastrar").click().run()
    assert refused(page.error[0].value) == "Nome: já existe o departamento Suporte."
    assert page.text_input(key="cad_new_department0_name").value == "Suporte"  # kept to fix


def test_edit_and_switch_off_a_canned_response(page, app_env):
    w = app_env
    item = find(w.store, "canned_response", "Visita agendada")
    page.selectbox(key="cad_pick_canned_response").set_value(item["id"]).run()
    prefix = f"cad_edit_canned_response_{item['id']}_"
    assert page.text_input(key=f"{prefix}title").value == "Visita agendada"
    page.text_area(key=f"{prefix}body").input("Visita marcada: o técnico liga antes de ir.")
    page.button(
        key=f"FormSubmitter:cad_edit_canned_response_{item['id']}-Salvar alterações"
    ).click().run()
    assert page.success[0].value == "Alterações salvas."
    assert find(w.store, "canned_response", "Visita agendada")["body"].startswith("Visita marcada")

    page.button(key=f"cad_off_canned_response_{item['id']}").click().run()
    assert page.success[0].value == "Visita agendada desligado."
    assert not find(w.store, "canned_response", "Visita agendada")["active"]
    table = page.dataframe[2].value
    assert table[table["Título"] == "Visita agendada"]["Situação"].iloc[0] == "Desligado"

    page.switch_page("pages/new_ticket.py").run()
    assert item["id"] not in page.selectbox(key="nt0_canned").options
    assert not [o for o in page.selectbox(key="nt0_canned").options if "Visita" in o]

    page.switch_page(PAGE).run()
    page.selectbox(key="cad_pick_canned_response").set_value(item["id"]).run()
    page.button(key=f"cad_on_canned_response_{item['id']}").click().run()
    assert find(w.store, "canned_response", "Visita agendada")["active"]


def test_switching_off_a_department_in_use_is_refused(page, app_env):
    noc = find(app_env.store, "department", "NOC")
    page.selectbox(key="cad_pick_department").set_value(noc["id"]).run()
    page.button(key=f"cad_off_department_{noc['id']}").click().run()
    assert "ROMPIMENTO DE FIBRA" in page.error[0].value
    assert find(app_env.store, "department", "NOC")["active"]


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_supervisors_see_the_page(logged_in, role):
    at = logged_in(role)
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
