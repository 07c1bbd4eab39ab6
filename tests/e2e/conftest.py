"""Browser tests: start `streamlit run app.py` on a free port with its own DuckDB file (or, for
the PostgreSQL tests, a schema of its own on DESCONTO_TEST_PG's server), wait for
/_stcore/health, and drive Debian's Chromium through Playwright (`playwright install` cannot
download browsers here, so we launch /usr/bin/chromium)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib.store import Store, is_postgres
from tests.conftest import PG_URL, pg_schema_url
from tests.fixtures import build_world

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: Path | str  # a DuckDB file, or a PostgreSQL URL
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def store(self) -> Store:
        """Open the app's store. DuckDB lets one process hold the file: only after stop(). A
        PostgreSQL store opens while the server runs, as a second server would."""
        if is_postgres(self.db):
            from lib.store.pg import PgStore

            return PgStore(str(self.db), max_size=2)
        assert self.process.poll() is not None, "stop the server before opening its store"
        return Store(self.db)


def start_server(
    db: Path | str,
    tmp: Path,
    *,
    demo: bool | None = False,
    env: dict[str, str] | None = None,
    launcher: bool = False,
) -> Server:
    """`streamlit run app.py`, or with `launcher` the way `make run` starts it (`python -m
    ui.launcher`: the store is opened before Streamlit starts). `demo=None` leaves DESCONTO_DEMO
    unset; `env` adds variables (backups go under `tmp` unless it says otherwise). `db` is a
    DuckDB file or a PostgreSQL URL (see `pg_world`); each server logs to its own file."""
    port = _free_port()
    log = tmp / ("streamlit.log" if not is_postgres(db) else f"streamlit-{port}.log")
    env = {
        **os.environ,
        "DESCONTO_DB": str(db),
        "DESCONTO_DEMO": "1" if demo else "0",
        "DESCONTO_BACKUP_EVERY_MIN": "0",
        "DESCONTO_BACKUP_DIR": str(tmp / "backups"),
        **(env or {}),
    }
    if demo is None:
        env.pop("DESCONTO_DEMO")
    start = ["ui.launcher", "--port", str(port)] if launcher else ["streamlit", "run"]
    start += [] if launcher else [str(ROOT / "app.py"), "--server.port", str(port)]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            *start,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, db, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy: {log.read_text()[-2000:]}")


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    """The app on the small test world (users atendente/financeiro/supervisor, demo1234)."""
    db = tmp_path / "e2e.duckdb"
    store = Store(db)
    store.migrate()
    build_world(store)
    store.close()
    srv = start_server(db, tmp_path)
    yield srv
    srv.stop()


@pytest.fixture
def pg_world() -> Iterator[str]:
    """The small test world (as `server`'s) in a fresh schema on DESCONTO_TEST_PG's server: the
    URL to give one or more servers as DESCONTO_DB."""
    if PG_URL is None:
        pytest.skip("PostgreSQL: set DESCONTO_TEST_PG to a server's URL (`make test` starts one)")
    from lib.store.pg import PgStore

    url = pg_schema_url("e2e")
    store = PgStore(url, max_size=2)
    try:
        store.migrate()
        build_world(store)
    finally:
        store.close()
    yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="pt-BR", timezone_id="America/Sao_Paulo"
    )
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def wait_idle(page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached"
    )
    page.wait_for_timeout(150)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached"
    )


def login(page, url: str, username: str, password: str = "demo1234") -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()
    wait_idle(page)


def nav_titles(page) -> list[str]:
    """The page titles in the sidebar navigation."""
    links = page.locator("[data-testid='stSidebarNav'] a")
    # each link's text is the material icon's ligature name, then the title
    return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts()]


def screenshot(page, name: str) -> None:
    """Keep a picture of what the test saw (under /tmp, for a person to look at)."""
    out = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/desconto-e2e"))
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
