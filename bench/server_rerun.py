"""The real server: start-up to the login page, a warm rerun of each page, and the server's RSS.

    python -m bench.server_rerun --db FILE [--reruns 3]

Launches headless Chromium first (a user's browser is already open), then starts
`streamlit run app.py` through this module's `serve` entry, which wraps Streamlit's
ScriptRunner._run_script to append each script run's duration (ms) to a file: the hook that
times the server's own part of a rerun, without the browser's. Headless Chromium logs in as
the demo supervisor, opens every page once, then presses "r" (Streamlit's rerun shortcut)
`--reruns` times; the table gives the median of those warm reruns. Works on a COPY of --db.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[1]
TIMES_ENV = "DESCONTO_BENCH_RUN_TIMES"
PROFILE_DIR_ENV = "DESCONTO_BENCH_PROFILE_DIR"  # a cProfile of every script run, run-N.prof


def install_run_timer() -> None:
    """Wrap Streamlit's ScriptRunner._run_script: each script run's duration (ms) appended to
    the file TIMES_ENV names, and with PROFILE_DIR_ENV set, each run's cProfile written there."""
    import cProfile

    from streamlit.runtime.scriptrunner import script_runner

    out = os.environ[TIMES_ENV]
    prof_dir = os.environ.get(PROFILE_DIR_ENV)
    real = script_runner.ScriptRunner._run_script
    count = [0]

    def timed(self, rerun_data):  # type: ignore[no-untyped-def]
        prof = cProfile.Profile() if prof_dir else None
        t0 = time.perf_counter()
        try:
            return real(self, rerun_data) if prof is None else prof.runcall(real, self, rerun_data)
        finally:
            with open(out, "a", encoding="utf-8") as f:
                f.write(f"{(time.perf_counter() - t0) * 1000:.1f}\n")
            if prof is not None and prof_dir:
                count[0] += 1
                prof.dump_stats(str(Path(prof_dir) / f"run-{count[0]}.prof"))

    script_runner.ScriptRunner._run_script = timed  # type: ignore[method-assign]


def serve() -> None:
    """`python -m bench.server_rerun serve ARGS...`: streamlit run, every script run timed."""
    from streamlit.web import cli

    install_run_timer()
    sys.argv = ["streamlit", "run", *sys.argv[2:]]
    cli.main()


def wait_healthy(url: str, proc: subprocess.Popen, t0: float, step: float = 0.05) -> None:
    """Until the server at `url` answers its health check (RuntimeError if it exits or takes
    over 120 s from `t0`)."""
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return
        except OSError:
            if proc.poll() is not None or time.perf_counter() - t0 > 120:
                raise RuntimeError("the server did not start") from None
            time.sleep(step)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runs(path: Path) -> list[float]:
    try:
        return [float(x) for x in path.read_text().split()]
    except FileNotFoundError:
        return []


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(
    db: Path,
    reruns: int,
    user: str = "supervisor",
    password: str = "demo1234",
    pages: list[str] | None = None,
    addresses: dict[str, str] | None = None,
    profile: Path | None = None,
) -> dict:
    """`pages`: only the pages with these titles or addresses (all when None); `addresses`:
    instead of the pages, these {label: address} (with a query string, e.g. a filtered list);
    `profile`: a folder for a cProfile of every script run."""
    from playwright.sync_api import sync_playwright

    from lib.auth import Role, User
    from ui.navigation import PAGES, visible_pages

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
            env[PROFILE_DIR_ENV] = str(profile)
        url = f"http://127.0.0.1:{port}"
        result: dict = {"pages": {}}
        with sync_playwright() as p:
            # The browser is up before the server starts, as a user's is: start-up measures
            # the app (spawn -> login form drawn), not Chromium's own launch (0.3-1 s here).
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            page.set_default_timeout(120_000)
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.server_rerun", "serve", str(ROOT / "app.py"),
                 "--server.port", str(port), "--server.headless", "true",
                 "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                wait_healthy(url, proc, t0)
                page.goto(url)
                page.get_by_label("Usuário").wait_for()
                result["startup_s"] = time.perf_counter() - t0
                result["startup_server_ms"] = _runs(times)[0] if _runs(times) else None
                idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
                page.wait_for_selector(idle, state="attached")
                page.get_by_label("Usuário").fill(user)
                page.get_by_label("Senha").fill(password)
                page.get_by_role("button", name="Entrar").click()
                page.wait_for_timeout(300)
                page.wait_for_selector(idle, state="attached")
                role = User(0, user, user, Role(user))
                chosen = [s for s in PAGES if s in visible_pages(role)]
                if pages:
                    wanted = {p.casefold() for p in pages}
                    chosen = [s for s in chosen if {s.title.casefold(), s.url_path} & wanted]
                targets = addresses or {s.title: "" if s.default else s.url_path for s in chosen}
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
                    result["pages"][label] = warm
                result["rss_mb"] = rss_mb(proc.pid)
            finally:
                browser.close()
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
    ap.add_argument("--reruns", type=int, default=3)
    ap.add_argument(
        "--pages", nargs="+", help="only these pages (titles or addresses, e.g. faturamento)"
    )
    args = ap.parse_args()
    r = measure(args.db, args.reruns, pages=args.pages)
    print(
        f"start-up to the login page: {r['startup_s']:.2f} s "
        f"(first script run {r['startup_server_ms']} ms)"
    )
    for title, warm in r["pages"].items():
        med = statistics.median(warm) if warm else float("nan")
        print(f"  warm rerun {title:<24}{med:8.1f} ms  ({len(warm)} runs)")
    print(f"server RSS after every page: {r['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
