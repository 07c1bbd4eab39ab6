"""The login page and the shell, through app.py."""

from __future__ import annotations

import pytest

from lib.auth import LOGIN_FAILED
from lib.store import staff as staff_store
from tests.app.conftest import login, new_app, refused
from ui.navigation import PAGES, visible_pages


def test_before_login_only_the_login_page(app_env):
    at = new_app().run()
    assert at.title[0].value.endswith("Desconto em Fatura")
    assert at.button(key="FormSubmitter:login-Entrar").label == "Entrar"
    for spec in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(spec.path)


def test_successful_login_shows_home_and_sidebar(app_env):
    at = login(new_app().run(), "financeiro")
    assert not at.exception
    assert at.title[0].value == "Desconto em Fatura"
    assert "Fábio Financeiro" in at.sidebar.markdown[0].value
    assert "Financeiro" in at.sidebar.markdown[0].value
    assert [m.label for m in at.metric][:2] == ["Clientes", "Contratos"]
    at.button(key="logout").click().run()
    assert "user_id" not in at.session_state
    assert at.button(key="FormSubmitter:login-Entrar")


def test_failed_login_is_refused_in_portuguese(app_env):
    at = login(new_app().run(), "financeiro", "senha-errada")
    assert refused(at.error[0].value) == LOGIN_FAILED
    assert "user_id" not in at.session_state
    at = login(new_app().run(), "fulano", "senha-errada")
    assert refused(at.error[0].value) == LOGIN_FAILED


def test_lockout_after_five_failures(app_env):
    at = new_app().run()
    for _ in range(5):
        login(at, "atendente", "senha-errada")
        assert refused(at.error[0].value) == LOGIN_FAILED
    login(at, "atendente")  # the right password, but locked
    assert "Muitas tentativas" in at.error[0].value
    assert "user_id" not in at.session_state
    with app_env.store.read() as cur:
        assert len(staff_store.attempts(cur, staff_id=app_env.atendente.id)) == 6


@pytest.mark.parametrize("role", ["atendente", "financeiro", "supervisor"])
def test_each_role_reaches_exactly_its_pages(logged_in, app_env, role):
    at = logged_in(role)
    allowed = {spec.path for spec in visible_pages(app_env.user(role))}
    for spec in PAGES:
        if spec.path in allowed:
            at.switch_page(spec.path).run()
            assert not at.exception, (spec.path, at.exception)
        else:
            with pytest.raises(ValueError):
                at.switch_page(spec.path)


def test_a_user_switched_off_meanwhile_is_logged_out(logged_in, app_env):
    from lib.usecases.users import set_active

    at = logged_in("atendente")
    set_active(app_env.store, app_env.supervisor, app_env.atendente.id, False)
    at.run()
    assert "user_id" not in at.session_state
    assert at.button(key="FormSubmitter:login-Entrar")


def test_a_store_without_users_offers_the_first_start_setup(tmp_path, monkeypatch):
    from lib.store import Store

    db = tmp_path / "vazio.duckdb"
    Store(db).migrate()
    monkeypatch.setenv("DESCONTO_DB", str(db))
    monkeypatch.setenv("DESCONTO_DEMO", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")
    at = new_app().run()
    assert at.subheader[0].value == "Configuração inicial"
    assert "Nenhum usuário cadastrado" in at.info[0].value
    assert "lib.admin create-supervisor" in at.caption[-1].value  # for a stopped server


def test_home_offers_shortcuts_into_the_filtered_list(logged_in):
    at = logged_in("financeiro")
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    waiting = links["Pedidos aguardando decisão, pelo prazo"]
    assert waiting.page == "atendimentos"
    assert "decisao=pendente" in waiting.query_string and "ordem=prazo" in waiting.query_string
    assert links["Novo pedido de desconto"].page == "desconto"
