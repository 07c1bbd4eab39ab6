"""The demo's first start in a real server (issue 17): `DESCONTO_DEMO=1` on a new file draws the
login page while the demo is written in the background; logging in at once waits for it, and
the first page after the login shows the complete demo, seeded once."""

from __future__ import annotations

import pytest

from lib.store import scalar
from tests.e2e.conftest import screenshot, start_server, wait_idle


@pytest.mark.parametrize("launcher", [False, True], ids=["streamlit-run", "launcher"])
def test_logging_in_during_the_demos_first_start_lands_on_the_complete_demo(
    tmp_path, page, launcher
):
    """Both ways to start: `streamlit run` (the first page run starts the filling) and `python -m
    ui.launcher` (the filling starts before Streamlit, in the same process)."""
    db = tmp_path / "demo.duckdb"
    srv = start_server(db, tmp_path, demo=True, launcher=launcher)
    try:
        page.set_default_timeout(120_000)  # the filling runs while we type, on a busy machine
        page.goto(srv.url)
        page.get_by_label("Usuário").wait_for()  # the form, without waiting for the data
        wait_idle(page)
        screenshot(page, "demo-first-start-login")
        page.get_by_label("Usuário").fill("supervisor")
        page.get_by_label("Senha").fill("demo1234")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_role("button", name="Sair").wait_for()
        wait_idle(page)
        main = page.locator("[data-testid='stMain']")
        assert main.get_by_text("Preparando os dados de demonstração").count() == 0
        assert main.get_by_text("DEMONSTRAÇÃO").first.is_visible()
        page.goto(f"{srv.url}/atendimentos")
        wait_idle(page)
        screenshot(page, "demo-first-start-atendimentos")
        assert "atendimento" in main.inner_text().lower()
    finally:
        srv.stop()
    log = srv.log.read_text()
    assert log.count("dados de demonstração criados") == 1, log[-3000:]
    store = srv.store()
    try:
        with store.read() as cur:
            assert scalar(cur, "SELECT count(*) FROM customer") == 3000
            assert scalar(cur, "SELECT count(*) FROM ticket") == 25_000
            assert scalar(cur, "SELECT count(*) FROM staff WHERE username = 'supervisor'") == 1
            assert scalar(cur, "SELECT list(success) FROM login_attempt") == [True]
    finally:
        store.close()
