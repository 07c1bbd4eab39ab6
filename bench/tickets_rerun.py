"""Atendimentos only, in the real server: warm reruns of the list under several filters.

    python -m bench.tickets_rerun --db FILE [--reruns 5] [--profile DIR]

Like bench.server_rerun (same timing hook on Streamlit's ScriptRunner, works on a COPY of
--db), but visits only /atendimentos, once per filter set below (the addresses staff share),
and presses "r" `--reruns` times on each. `--profile DIR` writes a cProfile of every script
run to DIR (run-N.prof) so the page's own Python can be read apart from the SQL.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.server_rerun import TIMES_ENV, _runs

ROOT = Path(__file__).resolve().parents[1]
PROFILE_ENV = "DESCONTO_BENCH_PROFILE_DIR"


def serve() -> None:
    """`python -m bench.tickets_rerun serve ARGS...`: streamlit run, every script run timed
    (and profiled when PROFILE_ENV names a folder)."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    out = os.environ[TIMES_ENV]
    prof_dir = os.environ.get(PROFILE_ENV)
    real = script_runner.ScriptRunner._run_script
    count = [0]

    def timed(self, rerun_data):  # type: ignore[no-untyped-def]
        prof = cProfile.Profile() if prof_dir else None
        t0 = time.perf_counter()
        try:
            if prof is None:
                return real(self, rerun_data)
            return prof.runcall(real, self, rerun_data)
        finally:
            ms = (time.perf_counter() - t0) * 1000
            with open(out, "a", encoding="utf-8") as f:
                f.write(f"{ms:.1f}\n")
            if prof is not None and prof_dir:
                count[0] += 1
                prof.dump_stats(str(Path(prof_dir) / f"run-{count[0]}.prof"))

    script_runner.ScriptRunner._run_script = timed  # type: ignore[method-assign]
    sys.argv = ["streamlit", "run", *sys.argv[2:]]
    cli.main()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def addresses(db: Path) -> dict[str, str]:
    """The list's addresses to time: the first page, finance's queue, a name search."""
    from lib.store import Store, scalar

    store = Store(db, read_only=True)
    try:
        with store.read() as cur:
            fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
            name = scalar(cur, "SELECT name FROM customer ORDER BY id DESC LIMIT 1") or "Maria"
            first = scalar(cur, "SELECT max(id) FROM ticket")
    finally:
        store.close()
    search = "+".join(name.split()[:2])
    return {
        "no filter": "atendimentos",
        "FINANCEIRO pendente, by deadline": f"atendimentos?depto={fin}&decisao=pendente&ordem=prazo",
        "customer-name search": f"atendimentos?busca={search}",
        "no filter, a ticket open": f"atendimentos?id={first}",
    }


def measure(
    db: Path,
    reruns: int,
    profile: Path | None = None,
    user: str = "supervisor",
    password: str = "demo1234",
) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    targets = addresses(db)
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(db, copy)
        times = Path(tmp) / "runs.txt"
        port = _free_port()
        env = {
            **os.environ,
            "DESCONTO_DB": str(copy),
            "DESCONTO_DEMO": "0",
            "DESCONTO_BACKUP_EVERY_MIN": "0",
            "DESCONTO_BACKUP_DIR": str(Path(tmp) / "backups"),
            TIMES_ENV: str(times),
        }
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            env[PROFILE_ENV] = str(profile)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.tickets_rerun", "serve", str(ROOT / "app.py"),
             "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        result: dict[str, list[float]] = {}
        t0 = time.perf_counter()
        try:
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - t0 > 120:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.05)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu"],
                )
                page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
                page.set_default_timeout(120_000)
                idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
                page.goto(url)
                page.get_by_label("Usuário").wait_for()
                page.wait_for_selector(idle, state="attached")
                page.get_by_label("Usuário").fill(user)
                page.get_by_label("Senha").fill(password)
                page.get_by_role("button", name="Entrar").click()
                page.wait_for_timeout(300)
                page.wait_for_selector(idle, state="attached")
                for label, address in targets.items():
                    page.goto(f"{url}/{address}")
                    page.wait_for_selector(idle, state="attached")
                    page.wait_for_timeout(300)
                    page.wait_for_selector(idle, state="attached")
                    warm = []
                    for _ in range(reruns):
                        before = len(_runs(times))
                        page.locator("body").press("r")
                        deadline = time.perf_counter() + 60
                        while len(_runs(times)) <= before and time.perf_counter() < deadline:
                            time.sleep(0.02)
                        page.wait_for_selector(idle, state="attached")
                        runs = _runs(times)
                        if len(runs) > before:
                            warm.append(runs[-1])
                    result[label] = warm
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve()
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--profile", type=Path, help="write a cProfile of each script run here")
    args = ap.parse_args()
    load = os.getloadavg()
    for label, warm in measure(args.db, args.reruns, args.profile).items():
        med = statistics.median(warm) if warm else float("nan")
        print(f"  warm rerun, Atendimentos, {label:<34}{med:8.1f} ms  {warm}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
