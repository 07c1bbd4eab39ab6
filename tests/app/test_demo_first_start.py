"""The demo's first start (issue 17): the login page is drawn while the demo data is still being
written in the background, and a login made meanwhile waits for it: no page after the login is
ever drawn on half a demo, and the wait is not counted as a failed attempt."""

from __future__ import annotations

import threading

import pytest

import lib.demo
from lib import runtime
from lib.store import scalar
from tests.app.conftest import login, new_app
from tests.unit.test_demo_background import GatedSeed

PREPARING = "Preparando os dados de demonstração"


@pytest.fixture
def demo_env(tmp_path, monkeypatch):
    path = tmp_path / "demo.duckdb"
    monkeypatch.setenv("DESCONTO_DB", str(path))
    monkeypatch.setenv("DESCONTO_DEMO", "1")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_DIR", str(tmp_path / "backups"))
    yield path
    runtime.stop_all()


@pytest.fixture
def seed(monkeypatch) -> GatedSeed:
    """seed_demo replaced by a small one held open at a gate (tests.unit.test_demo_background)."""
    fake = GatedSeed()
    monkeypatch.setattr(lib.demo, "seed_demo", fake)
    return fake


def _store(path):
    return runtime.start(str(path)).store


def test_the_login_form_is_there_at_once_and_a_login_waits_for_the_data(demo_env, seed):
    at = new_app().run()
    assert not at.exception, at.exception
    assert seed.inside.wait(10)  # the demo's transaction is open, its rows not committed
    assert [i.value for i in at.info if PREPARING in i.value]
    assert not [w.value for w in at.warning if "Nenhum usuário" in w.value]
    assert at.text_input(key="login_user") is not None
    threading.Timer(1.0, seed.gate.set).start()
    login(at, "supervisor")  # submitted while the data is still being written
    assert not at.exception, at.exception
    assert at.session_state["user_id"] is not None
    assert "login_error" not in at.session_state
    assert at.button(key="logout") is not None  # the app past the login, on complete data
    with _store(demo_env).read() as cur:
        assert scalar(cur, "SELECT count(*) FROM customer") == 2
        assert scalar(cur, "SELECT list(success) FROM login_attempt") == [True]


def test_once_the_data_is_there_the_login_page_says_nothing_more(demo_env, seed):
    seed.gate.set()
    runtime.start(str(demo_env)).wait_for_demo(10)
    at = new_app().run()
    assert not at.exception, at.exception
    assert not [i.value for i in at.info if PREPARING in i.value]
    assert at.text_input(key="login_user") is not None


def test_a_demo_that_failed_to_fill_refuses_the_login_in_portuguese_and_fills_again(demo_env, seed):
    seed.fail = True
    seed.gate.set()
    at = new_app().run()
    rt = runtime.start(str(demo_env))
    assert rt.demo_seeder is not None and rt.demo_seeder.wait(10)
    assert [i.value for i in at.info if PREPARING in i.value]  # still no data: no setup form
    login(at, "supervisor")  # the failed filling is started again, and fails again
    assert not at.exception, at.exception
    assert "user_id" not in at.session_state
    assert "dados de demonstração ainda não estão prontos" in at.session_state["login_error"]
    assert [e.value for e in at.error if "dados de demonstração" in e.value]
    with rt.store.read() as cur:  # no attempt counted against the name: no lock builds up
        assert scalar(cur, "SELECT count(*) FROM login_attempt") == 0
    seed.fail = False
    login(at, "supervisor")
    assert not at.exception, at.exception
    assert at.session_state["user_id"] is not None and seed.calls == 3
