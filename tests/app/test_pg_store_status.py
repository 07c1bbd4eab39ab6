"""A server started directly (`streamlit run app.py`) on a PostgreSQL store it cannot use shows
why on every page, in pt-BR, without the password (issue 18), as it does for a DuckDB file."""

from __future__ import annotations

import socket

from tests.app.conftest import new_app

SECRET = "senha-secreta-77"


def test_an_unreachable_postgresql_server_is_explained_on_the_page(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DESCONTO_DB", f"postgresql://desconto:{SECRET}@127.0.0.1:{port}/desconto")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")
    at = new_app().run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert f"Não foi possível conectar ao servidor PostgreSQL 127.0.0.1:{port}" in shown
    everything = " ".join(str(e.value) for e in [*at.error, *at.markdown, *at.caption, *at.info])
    assert SECRET not in everything
