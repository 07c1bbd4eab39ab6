"""Security through app.py: the audit page, unlocking on the users page, unexpected errors shown
with an id (never a traceback), and typed names shown as typed."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import pytest

from lib.auth import MAX_FAILURES, MAX_USERNAME_INPUT, LoginRefused
from lib.domain import now
from lib.usecases import users
from lib.usecases.signin import login as auth_login
from tests.app.conftest import login, new_app
from tests.fixtures import PASSWORD


@pytest.fixture
def error_log(caplog):
    logger = logging.getLogger("desconto")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def test_audit_page_lists_filters_and_hides_unknown_names(logged_in, app_env):
    sup = replace(app_env.supervisor, client_address="198.51.100.7")
    users.change_role(app_env.store, sup, app_env.atendente.id, "financeiro")
    with pytest.raises(LoginRefused):
        auth_login(app_env.store, "minhaSenhaSecreta!", "x", now(), "203.0.113.9")
    at = logged_in("supervisor")
    at.switch_page("pages/audit.py").run()
    assert not at.exception, at.exception
    changes = at.dataframe[0].value
    row = changes[changes["Ação"] == "Perfil alterado"].iloc[0]
    assert (row["Quem"], row["O quê"], row["Antes"], row["Depois"], row["Endereço"]) == (
        "supervisor",
        "usuário atendente",
        "Atendente",
        "Financeiro",
        "198.51.100.7",
    )
    at.text_input(key="au_text").input("ninguém tem isto").run()
    # no empty grid (it says "empty" in English, in its canvas): a pt-BR line instead
    assert [i.value for i in at.info] == ["Nenhuma alteração registrada com estes filtros."]
    assert len(at.dataframe) == 1
    attempts = at.dataframe[0].value
    assert "— não cadastrado —" in set(attempts["Usuário"])
    assert "203.0.113.9" in set(attempts["Endereço"])
    assert "minhasenhasecreta" not in str(attempts.to_dict()).lower()


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_supervisors_open_the_audit_page(logged_in, role):
    at = logged_in(role)
    with pytest.raises(ValueError):
        at.switch_page("pages/audit.py")


def test_users_page_shows_the_lock_and_unlocks(logged_in, app_env):
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            auth_login(app_env.store, "atendente", "errada123", now())
    at = logged_in("supervisor")
    at.switch_page("pages/users.py").run()
    listed = at.dataframe[0].value.set_index("Usuário")
    assert listed.loc["atendente", "Bloqueado até"] != ""
    assert listed.loc["financeiro", "Bloqueado até"] == ""
    at.selectbox(key="eu_user").select(app_env.atendente.id).run()
    at.button(key="eu_unlock_btn").click().run()
    assert at.success[0].value == "Usuário atendente desbloqueado."
    assert at.dataframe[0].value.set_index("Usuário").loc["atendente", "Bloqueado até"] == ""
    assert auth_login(app_env.store, "atendente", PASSWORD, now()).id == app_env.atendente.id


def test_an_unexpected_error_on_a_page_shows_an_id_not_a_traceback(
    logged_in, monkeypatch, error_log
):
    at = logged_in("financeiro")

    def broken(*args, **kwargs):
        raise RuntimeError("detalhe interno /srv/desconto/lib/x.py")

    monkeypatch.setattr("lib.usecases.ticket_actions.home_counts", broken)
    at.run()
    assert not at.exception  # no traceback element
    (shown,) = [e.value for e in at.error]
    assert "Algo deu errado" in shown and "/srv" not in shown and "RuntimeError" not in shown
    error_id = re.search(r"código (E-[0-9A-F]{8})", shown)[1]
    (record,) = [
        r
        for r in error_log.records
        if error_id in r.getMessage() and "rastro" not in r.getMessage()
    ]
    # what support needs is in the server's log line: the exception and where it happened
    assert 'error="RuntimeError: detalhe interno /srv/desconto/lib/x.py"' in record.getMessage()
    assert 'at="tests/app/test_security_pages.py:' in record.getMessage()
    # the sidebar and the navigation still work
    assert at.button(key="logout")


def test_an_unexpected_error_in_a_callback_is_shown_on_the_next_run(
    app_env, monkeypatch, error_log
):
    def broken(*args, **kwargs):
        raise RuntimeError("falha interna")

    monkeypatch.setattr("lib.usecases.signin.login", broken)
    at = login(new_app().run(), "financeiro")
    assert not at.exception
    shown = at.error[0].value
    error_id = re.search(r"código (E-[0-9A-F]{8})", shown)[1]
    assert "Algo deu errado" in shown
    assert any(error_id in r.getMessage() for r in error_log.records)
    assert at.button(key="FormSubmitter:login-Entrar")  # the login form is still there


def test_control_flow_passes_through_the_guard(logged_in):
    at = logged_in("supervisor")
    at.switch_page("pages/settings.py").run()  # st.switch_page / navigation
    assert not at.error and at.title[0].value == "Configurações do desconto"
    at.button(key="logout").click().run()  # Sair calls st.rerun()
    assert not at.error and at.button(key="FormSubmitter:login-Entrar")


def test_the_login_form_caps_what_can_be_typed(app_env):
    at = new_app().run()
    assert at.text_input(key="login_user").proto.max_chars == MAX_USERNAME_INPUT


def test_a_typed_name_is_greeted_as_typed(logged_in, app_env):
    with app_env.store.transaction() as cur:
        cur.execute(
            "UPDATE staff SET name = '[pague](https://exemplo.invalid) Silva' WHERE id = ?",
            [app_env.financeiro.id],
        )
    at = logged_in("financeiro")
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(at.markdown[0].value)
    assert "<a " not in html and "Olá, [pague](https" in html
