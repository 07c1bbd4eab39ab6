"""In real Chromium and real server processes (issue 13): backups under load and a restore, a
second server and the admin command against a held store, the first start in the browser, a
real supervisor's store started with DESCONTO_DEMO unset, the DEMONSTRAÇÃO mark on every page,
and no .wal left after SIGTERM."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from lib.demo import seed_demo
from lib.store import Store, scalar
from tests.e2e.conftest import ROOT, login, nav_titles, screenshot, start_server, wait_idle
from tests.fixtures import build_world
from tests.ticket_factory import discount
from tests.unit.test_backups import HOLD
from ui.navigation import PAGES

pytestmark = pytest.mark.e2e


def run_module(*args: str, stdin: str = "", env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def world_store(tmp_path: Path) -> tuple[Path, int]:
    """The test world with one discount ticket; returns the file and the ticket's id."""
    db = tmp_path / "loja.duckdb"
    store = Store(db)
    store.migrate()
    ticket = discount(build_world(store), "carga")
    store.close()
    return db, ticket


def test_backups_under_load_then_restore_finds_every_acknowledged_request(tmp_path, page):
    db, ticket = world_store(tmp_path)
    backups = tmp_path / "bk"
    srv = start_server(
        db,
        tmp_path,
        launcher=True,
        env={"DESCONTO_BACKUP_EVERY_MIN": "0.1", "DESCONTO_BACKUP_DIR": str(backups)},
    )
    try:
        page.goto(srv.url)  # the first session after a start knows no page yet (see login e2e)
        wait_idle(page)
        login(page, f"{srv.url}/atendimentos?id={ticket}", "atendente")  # the ticket's link
        message = page.get_by_label("Mensagem", exact=True)
        acked: list[tuple[float, str]] = []
        admin_checked = False
        deadline = time.monotonic() + 120
        while len(list(backups.glob("*.json"))) < 2 or not acked:
            assert time.monotonic() < deadline, "no two backups within two minutes"
            text = f"carga {len(acked) + 1}"
            if not message.is_visible():
                page.get_by_text("Adicionar mensagem", exact=True).first.click()
            message.fill(text)
            page.get_by_role("button", name="Adicionar mensagem").click()
            wait_idle(page)
            page.get_by_text("Mensagem adicionada ao atendimento.").wait_for()
            assert message.input_value() == ""  # cleared only after the save
            acked.append((time.time(), text))
            if not admin_checked and backups.exists():
                # Done when: lib.admin on a store held by the running server: pt-BR, exit 2.
                done = run_module(
                    "lib.admin",
                    *("create-supervisor", "--db", str(db), "--username", "maria"),
                    *("--name", "Maria", "--password-stdin"),
                    stdin="senha-forte-1\n",
                )
                assert done.returncode == 2, done
                assert f"em uso por outro processo: pelo processo {srv.process.pid}" in done.stderr
                assert "Traceback" not in done.stderr
                admin_checked = True
        assert admin_checked
        screenshot(page, "backups-under-load")
    finally:
        srv.stop()
    assert srv.process.returncode == 0
    assert not Path(f"{db}.wal").exists()  # SIGTERM checkpointed the store
    assert "base fechada" in srv.log.read_text()

    newest = max(backups.glob("*.duckdb"))
    manifest = json.loads(newest.with_suffix(".json").read_text())
    began = datetime.fromisoformat(manifest["taken_at"]).timestamp()
    restored = tmp_path / "restaurada.duckdb"
    done = run_module("lib.admin", "restore", str(newest), "--db", str(restored))
    assert done.returncode == 0, done
    store = Store(restored)
    with store.read() as cur:
        notes = {r[0] for r in cur.execute("SELECT note FROM movement").fetchall()}
    store.close()
    before = {text for at, text in acked if at < began}
    after = {text for at, text in acked if at > began + manifest["seconds"] + 1}
    assert before, acked
    assert before <= notes
    assert not after & notes  # a snapshot, not whatever the file held later


def test_a_second_server_on_a_held_store_says_so_and_the_launcher_refuses(tmp_path, page):
    db, _ = world_store(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = run_module("ui.launcher", "--port", "1", env={**_env(db)})
        assert refused.returncode == 2
        assert refused.stderr.startswith("O servidor não foi iniciado. A base")
        assert f"pelo processo {holder.pid}" in refused.stderr and "Traceback" not in refused.stderr

        srv = start_server(db, tmp_path)  # started anyway: its health still says ok
        try:
            page.goto(srv.url)  # the first session after a start knows no page yet (see login e2e)
            wait_idle(page)
            page.goto(srv.url + "/atendimentos")
            wait_idle(page)
            alert = page.locator("[data-testid='stAlert']").first
            alert.get_by_text("está em uso por outro processo").wait_for()
            assert f"o processo {holder.pid}" in alert.inner_text()
            assert nav_titles(page) == []
            assert page.locator("[data-testid='stException']").count() == 0
            screenshot(page, "store-in-use")
            holder.kill()
            holder.wait()
            page.get_by_role("button", name="Tentar de novo").click()
            wait_idle(page)
            page.get_by_role("button", name="Entrar").wait_for()  # the store is free now
        finally:
            srv.stop()
    finally:
        holder.kill()
        holder.wait()


def _env(db: Path, **extra: str) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DESCONTO_DEMO"}
    return {**env, "DESCONTO_DB": str(db), "DESCONTO_BACKUP_EVERY_MIN": "0", **extra}


def test_first_start_creates_the_first_supervisor_in_the_browser(tmp_path, page):
    db = tmp_path / "nova" / "desconto.duckdb"  # nothing there yet
    srv = start_server(db, tmp_path, launcher=True, demo=False)
    try:
        code = re.search(r"com o código (\w{4}-\w{4}-\w{4})", srv.log.read_text())
        assert code, srv.log.read_text()  # printed at start-up, before anyone visits
        code_file = Path(f"{db}.codigo-configuracao")
        assert code_file.read_text().strip() == code[1]
        assert stat.S_IMODE(code_file.stat().st_mode) == 0o600

        page.goto(srv.url)
        wait_idle(page)
        page.get_by_role("heading", name="Configuração inicial").wait_for()
        assert page.get_by_text("DEMONSTRAÇÃO").count() == 0
        page.get_by_label("Código de configuração").fill("AAAA-BBBB-CCCC")
        page.get_by_label("Nome", exact=True).fill("Maria Souza")
        page.get_by_label("Usuário", exact=True).fill("maria")
        page.get_by_label("Senha", exact=True).fill("senha-forte-1")
        page.get_by_label("Repita a senha").fill("senha-forte-1")
        page.get_by_role("button", name="Criar supervisor e entrar").click()
        wait_idle(page)
        page.get_by_text("Código de configuração incorreto").wait_for()
        screenshot(page, "first-start-wrong-code")
        page.get_by_label("Código de configuração").fill(code[1].lower())
        page.get_by_label("Senha", exact=True).fill("senha-forte-1")
        page.get_by_label("Repita a senha").fill("senha-forte-1")
        page.get_by_role("button", name="Criar supervisor e entrar").click()
        wait_idle(page)
        page.get_by_text("Olá, Maria.").wait_for()
        assert "Backups" in nav_titles(page)
        assert not code_file.exists()
        screenshot(page, "first-start-done")
    finally:
        srv.stop()
    store = srv.store()
    with store.read() as cur:
        assert scalar(cur, "SELECT list(username ORDER BY id) FROM staff") == ["maria"]
        assert scalar(cur, "SELECT count(*) FROM customer") == 0
    store.close()


def test_a_real_supervisors_store_started_with_demo_unset_gets_no_demo(tmp_path):
    db = tmp_path / "desconto.duckdb"
    made = run_module(
        "lib.admin",
        *("create-supervisor", "--db", str(db), "--username", "maria", "--name", "Maria"),
        "--password-stdin",
        stdin="senha-forte-1\n",
        env=_env(db),
    )
    assert made.returncode == 0, made
    srv = start_server(db, tmp_path, launcher=True, demo=None)  # DESCONTO_DEMO unset: default on
    srv.stop()
    assert "demo=não" in srv.log.read_text()
    store = srv.store()
    with store.read() as cur:
        counts = [
            scalar(cur, f"SELECT count(*) FROM {t}")
            for t in ("customer", "contract", "login", "ticket", "discount_request")
        ]
        users = scalar(cur, "SELECT list(username) FROM staff")
    store.close()
    assert counts == [0, 0, 0, 0, 0] and users == ["maria"]


def test_every_page_of_a_demo_store_shows_the_mark_and_sigterm_leaves_no_wal(tmp_path, page):
    db = tmp_path / "demo.duckdb"
    store = Store(db)
    store.migrate(demo=True)
    seed_demo(store, customers=40)
    store.close()
    srv = start_server(db, tmp_path, demo=False)  # DESCONTO_DEMO=0 later: still a demo store
    try:
        page.goto(srv.url)
        wait_idle(page)
        mark = page.locator("[data-testid='stMain']").get_by_text("DEMONSTRAÇÃO")
        mark.wait_for()
        screenshot(page, "demo-login")
        login(page, srv.url, "supervisor")
        titles = nav_titles(page)
        # every page of the menu (a supervisor sees them all), however many branches add
        assert titles == [spec.title for spec in PAGES] and {"Backups", "Auditoria"} <= set(titles)
        for title in titles:
            page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
            wait_idle(page)
            assert mark.is_visible(), title
            sidebar = page.locator("[data-testid='stSidebar']").get_by_text("DEMONSTRAÇÃO")
            assert sidebar.is_visible(), title
        screenshot(page, "demo-backups")
    finally:
        srv.stop()
    assert srv.process.returncode == 0
    assert not Path(f"{db}.wal").exists()  # plain `streamlit run` checkpoints at SIGTERM too
