"""AppTest through app.py on a temporary store holding the small test world."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import PASSWORD

APP = str(Path(__file__).resolve().parents[2] / "app.py")
REF = re.compile(r" \(ref\. R-[0-9A-F]{8}\)$")


def refused(text: str) -> str:
    """A refusal as the user sees it: the message, then the id its log line carries
    (ui.errors). Returns the message alone."""
    assert REF.search(text), f"no log id in {text!r}"
    return REF.sub("", text)


@pytest.fixture
def app_env(world, monkeypatch, tmp_path):
    monkeypatch.setenv("DESCONTO_DB", world.store.path)
    monkeypatch.setenv("DESCONTO_DEMO", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")  # no timer thread per test store
    # tmp_path, never beside a PostgreSQL URL (Path() of it is a folder named "postgresql:")
    monkeypatch.setenv("DESCONTO_BACKUP_DIR", str(tmp_path / "backups"))
    yield world
    # the stores the app opened in this test: each PostgreSQL one holds a pool of connections,
    # and hundreds kept open until the session's end exhausted the server's max_connections
    from lib import runtime

    runtime.stop_all()


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30)


def login(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="FormSubmitter:login-Entrar").click().run()
    return at


@pytest.fixture
def logged_in(app_env):
    """`logged_in("financeiro")` gives an AppTest already past the login page."""

    def make(role: str) -> AppTest:
        at = new_app().run()
        login(at, role)
        assert not at.exception, at.exception
        assert at.session_state["user_id"] == app_env.user(role).id
        return at

    return make
