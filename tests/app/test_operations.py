"""Operations through app.py (issue 13): the Backups page, the first start in the browser, the
DEMONSTRAÇÃO mark, and refusals and errors carrying the id of their log line."""

from __future__ import annotations

import logging
import re

import pytest

from lib import logs, runtime
from lib.demo import seed_demo
from lib.store import Store, scalar
from lib.usecases import ticket_actions
from tests.app.conftest import login, new_app
from ui.navigation import PAGES, visible_pages


@pytest.fixture
def log_lines():
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Keep()
    logs.logger().addHandler(handler)
    yield lines
    logs.logger().removeHandler(handler)


# --- Backups -------------------------------------------------------------------------------------


@pytest.mark.duckdb_only("file backups; PostgreSQL's page: the test below")
def test_backups_page_takes_lists_and_offers_each_backup(logged_in, app_env, tmp_path):
    at = logged_in("supervisor")
    at.switch_page("pages/backups.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Backups"
    assert at.info[0].value == "Nenhum backup ainda."
    at.button[0].click().run()  # Fazer backup agora
    assert at.success[0].value.startswith("Backup test-")
    assert "feito e conferido" in at.success[0].value
    at.button[0].click().run()
    listed = at.dataframe[0].value
    assert len(listed) == 2
    assert list(listed["Usuários"]) == [3, 3] and list(listed["Clientes"]) == [2, 2]
    assert all(size.endswith(" MB") for size in listed["Tamanho"])
    names = list(listed["Arquivo"])
    assert at.selectbox(key="bk_choice").options == names
    assert at.get("download_button")[0].proto.label == "Baixar"
    on_disk = sorted(p.name for p in (tmp_path / "backups").glob("*.duckdb"))
    assert sorted(names) == on_disk


def test_backups_page_on_postgresql_shows_pg_dump_not_file_backups(
    logged_in, app_env, monkeypatch, tmp_path
):
    """A PostgreSQL store's backups are its operators': no button, no file list, the commands
    without the password (the test server trusts any password: one is added to show it)."""
    if app_env.store.engine != "postgresql":
        pytest.skip("a PostgreSQL store (the test above is DuckDB's)")
    url = app_env.store.path.replace("postgresql://postgres@", "postgresql://postgres:s3gr3d0@")
    monkeypatch.setenv("DESCONTO_DB", url)
    at = logged_in("supervisor")
    at.switch_page("pages/backups.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Backups"
    assert at.info[0].value.startswith("Esta base é PostgreSQL: os backups são feitos pelos")
    assert [b.label for b in at.button] == ["Sair"]  # no "Fazer backup agora"
    assert not at.get("download_button") and not at.dataframe
    dump, restore = (c.value for c in at.code)
    assert dump.startswith("pg_dump --format=custom --schema=t_") and "postgres@127.0.0.1" in dump
    assert restore.startswith("pg_restore --no-owner --dbname=")
    assert all("s3gr3d0" not in e.value for e in [*at.code, *at.caption, *at.info])
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_backups_are_for_supervisors_only(logged_in, app_env, role):
    at = logged_in(role)
    assert "Backups" not in [spec.title for spec in visible_pages(app_env.user(role))]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/backups.py")  # not registered for this role at all


# --- First start ---------------------------------------------------------------------------------


@pytest.fixture
def empty_real_store(tmp_path, monkeypatch):
    db = tmp_path / "nova.duckdb"
    monkeypatch.setenv("DESCONTO_DB", str(db))
    monkeypatch.setenv("DESCONTO_DEMO", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")
    return db


def fill_setup(at, code: str, username: str = "maria", password: str = "senha-forte-1"):
    at.text_input(key="fs_code").input(code)
    at.text_input(key="fs_name").input("Maria Souza")
    at.text_input(key="fs_username").input(username)
    at.text_input(key="fs_password").input(password)
    at.text_input(key="fs_password2").input(password)
    at.button(key="FormSubmitter:first_setup-Criar supervisor e entrar").click().run()
    return at


def test_first_supervisor_is_created_in_the_browser_with_the_code(empty_real_store, log_lines):
    at = new_app().run()
    assert at.subheader[0].value == "Configuração inicial"
    rt = runtime.start(str(empty_real_store))
    assert rt.setup_code is not None
    fill_setup(at, "ZZZZ-ZZZZ-ZZZZ")
    assert at.error[0].value.startswith("Código de configuração incorreto")
    assert "user_id" not in at.session_state
    assert at.text_input(key="fs_password").value == ""  # never kept on the page
    fill_setup(at, rt.setup_code)
    assert not at.exception, at.exception
    assert at.session_state["user_id"] is not None
    assert at.title[0].value == "Desconto em Fatura" and "Olá, Maria" in at.markdown[0].value
    with rt.store.read() as cur:
        assert scalar(cur, "SELECT username || ':' || role FROM staff") == "maria:supervisor"
    assert any(
        "recusa id=R-" in ln and "Código de configuração incorreto" in ln for ln in log_lines
    )
    # later visitors get the login form, not the setup
    again = new_app().run()
    assert not again.subheader and again.button(key="FormSubmitter:login-Entrar")


# --- DEMONSTRAÇÃO --------------------------------------------------------------------------------


def marks(at) -> int:
    return sum("DEMONSTRAÇÃO" in m.value for m in at.markdown)


def test_a_demo_store_marks_every_page_and_a_real_one_none(tmp_path, monkeypatch, app_env):
    at = logged_in_on(app_env.store.path, "supervisor")
    assert marks(at) == 0  # the test world is a real store

    db = tmp_path / "demo.duckdb"
    store = Store(db)
    store.migrate(demo=True)
    seed_demo(store, customers=30)
    store.close()
    monkeypatch.setenv("DESCONTO_DB", str(db))
    monkeypatch.delenv("DESCONTO_DEMO")
    at = new_app().run()
    assert marks(at) == 2  # the login page: on the page and in the sidebar
    login(at, "supervisor")
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, at.exception)
        assert marks(at) == 2, (spec.path, [m.value for m in at.markdown], at.error, at.info)


def logged_in_on(path: str, role: str):
    at = new_app().run()
    return login(at, role)


# --- refusals and unexpected errors --------------------------------------------------------------


def test_a_refusal_shows_the_id_of_its_log_line(logged_in, log_lines):
    at = logged_in("supervisor")
    at.switch_page("pages/users.py").run()
    at.text_input(key="nu_name").input("Marta")
    at.text_input(key="nu_username").input("Marta Lima")  # a space: refused
    at.text_input(key="nu_password").input("segura-123")
    at.text_input(key="nu_password2").input("segura-123")
    at.button(key="FormSubmitter:new_user-Criar usuário").click().run()
    shown = re.search(r"\(ref\. (R-[0-9A-F]{8})\)$", at.error[0].value)
    assert shown, at.error[0].value
    (line,) = [ln for ln in log_lines if shown[1] in ln]
    assert line.startswith(f"recusa id={shown[1]} user=supervisor page=/usuarios ")
    assert 'msg="Usuário: use de 3 a 40 letras' in line


def test_a_refusal_on_a_ticket_names_the_ticket(logged_in, app_env, log_lines):
    from tests.ticket_factory import discount

    ticket = discount(app_env, "k1")
    at = logged_in("financeiro")
    at.switch_page("pages/tickets.py").run()
    key = at.session_state["tk_table_key"]
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    # someone else assumes it while the screen still offers Assumir: the click is refused
    ticket_actions.assume(app_env.store, app_env.supervisor, ticket, expected_status="N")
    at.button(key=f"tk_assumir_{ticket}").click().run()
    shown = re.search(r"\(ref\. (R-[0-9A-F]{8})\)$", at.error[0].value)
    assert shown, at.error[0].value
    (line,) = [ln for ln in log_lines if shown[1] in ln]
    assert f"user=financeiro page=/atendimentos ticket={ticket} " in line


def test_an_unexpected_error_shows_an_id_not_a_traceback(logged_in, monkeypatch, log_lines):
    def broken(*_a, **_k):
        raise RuntimeError("disco cheio")

    monkeypatch.setattr(ticket_actions, "home_counts", broken)
    at = logged_in("atendente")  # lands on Início, which calls home_counts
    assert not at.exception
    shown = re.search(r"código (E-[0-9A-F]{8})", at.error[0].value)
    assert shown and "erro inesperado" in at.error[0].value
    assert "disco cheio" not in at.error[0].value
    (line, trace) = [ln for ln in log_lines if shown[1] in ln]
    assert "rastro" in trace and "home.py:" in trace  # the stack, on its own line
    assert "user=atendente" in line and "page=/Início" in line
    assert 'error="RuntimeError: disco cheio"' in line


@pytest.mark.duckdb_only("a file backup that fails (PostgreSQL has no backup button)")
def test_a_failed_backup_is_a_refusal_with_its_id(logged_in, monkeypatch, log_lines):
    import duckdb

    from lib.store import snapshot

    def full_disk(store, dest):
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(snapshot, "copy_store", full_disk)
    at = logged_in("supervisor")
    at.switch_page("pages/backups.py").run()
    at.button[0].click().run()
    assert not at.exception
    shown = re.search(
        r"^O backup falhou e nada foi guardado: .*\(ref\. (R-[0-9A-F]{8})\)$", at.error[0].value
    )
    assert shown, at.error[0].value
    assert any(f"id={shown[1]} user=supervisor page=/backup " in ln for ln in log_lines)
