"""Supervisors' pages: users and discount settings."""

from __future__ import annotations

from datetime import datetime

import pytest

from lib.domain import TZ, DomainError, PermissionDenied
from lib.usecases import settings
from lib.usecases.signin import login as auth_login
from lib.usecases.users import load_user


def open_users(logged_in):
    at = logged_in("supervisor")
    at.switch_page("pages/users.py").run()
    assert not at.exception, at.exception
    return at


def test_users_page_lists_and_creates(logged_in, app_env):
    at = open_users(logged_in)
    listed = at.dataframe[0].value
    assert set(listed["Usuário"]) == {"atendente", "financeiro", "supervisor"}
    at.text_input(key="nu_name").input("Marta Lima")
    at.text_input(key="nu_username").input("Marta.Lima")
    at.selectbox(key="nu_role").select("financeiro")
    at.text_input(key="nu_password").input("segura-123")
    at.text_input(key="nu_password2").input("segura-123")
    at.button(key="FormSubmitter:new_user-Criar usuário").click().run()
    assert at.success[0].value == "Usuário marta.lima criado."
    assert "marta.lima" in set(at.dataframe[0].value["Usuário"])
    assert (
        auth_login(app_env.store, "marta.lima", "segura-123", datetime.now(TZ)).role == "financeiro"
    )


def test_users_page_refuses_mismatched_passwords(logged_in):
    at = open_users(logged_in)
    at.text_input(key="nu_name").input("X")
    at.text_input(key="nu_username").input("xis")
    at.text_input(key="nu_password").input("segura-123")
    at.text_input(key="nu_password2").input("outra-1234")
    at.button(key="FormSubmitter:new_user-Criar usuário").click().run()
    assert "não conferem" in at.error[0].value
    assert "xis" not in set(at.dataframe[0].value["Usuário"])


def test_users_page_switches_off_and_changes_role(logged_in, app_env):
    at = open_users(logged_in)
    at.selectbox(key="eu_user").select(app_env.atendente.id).run()
    at.button(key="eu_toggle_btn").click().run()
    assert "desativado" in at.success[0].value
    assert load_user(app_env.store, app_env.atendente.id).active is False
    at.selectbox(key="eu_user").select(app_env.financeiro.id).run()
    at.selectbox(key="eu_role").select("supervisor").run()
    at.button(key="eu_role_btn").click().run()
    assert load_user(app_env.store, app_env.financeiro.id).role == "supervisor"


def test_settings_page_saves_and_validates(logged_in, app_env):
    at = logged_in("supervisor")
    at.switch_page("pages/settings.py").run()
    at.number_input(key="cfg_min").set_value(15)
    at.text_input(key="cfg_opa").input(r"\d{8}")
    at.button(key="FormSubmitter:settings-Salvar configurações").click().run()
    assert at.success[0].value == "Configurações salvas."
    rules = settings.current(app_env.store, app_env.supervisor)
    assert (rules.min_minutes, rules.opa_pattern) == (15, r"\d{8}")
    at.text_input(key="cfg_opa").input("([")
    at.button(key="FormSubmitter:settings-Salvar configurações").click().run()
    assert "expressão regular inválida" in at.error[0].value
    assert settings.current(app_env.store, app_env.supervisor).opa_pattern == r"\d{8}"


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_supervisors_change_settings(world, role):
    with pytest.raises(PermissionDenied):
        settings.update(
            world.store,
            world.user(role),
            min_minutes=10,
            deadline_days=90,
            max_fee_multiple="1",
            opa_pattern="x",
            opa_hint="x",
            default_method="anatel_minuto",
        )


def test_settings_reject_bad_values(world):
    with pytest.raises(DomainError, match="maior que zero"):
        settings.update(
            world.store,
            world.supervisor,
            min_minutes=10,
            deadline_days=90,
            max_fee_multiple="0",
            opa_pattern="x",
            opa_hint="x",
            default_method="anatel_minuto",
        )
