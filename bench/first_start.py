"""The server's start, step by step: spawn -> /_stcore/health -> login form drawn -> logged in.

    python -m bench.first_start (--db FILE | --demo) [--runs 3] [--no-login] [--launcher]

`--db FILE` starts `streamlit run app.py` (through bench.server_rerun's `serve`, whose hook
records each script run's duration) on a COPY of an existing store; `--demo` starts it on a
fresh DESCONTO_DB path with DESCONTO_DEMO=1, the demo's first start. Headless Chromium is
launched before the server is spawned (a visitor's browser is already running), so the figures
are the server's start plus the page's load and draw, not Chromium's own start. Prints, per run
and as medians: the health check answering, the login form visible (the issue's "first login
page drawn" / "first start of the demo"), the first script run's server time, and the first
page after logging in as the demo supervisor (on a demo store that waits for the demo data).
`--launcher` starts it through `python -m ui.launcher` (the store opened before Streamlit), as
the systemd unit does; DESCONTO_BENCH_PROFILE=FILE writes the first script run's cProfile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import server_rerun
from bench.server_rerun import ROOT, TIMES_ENV, _free_port, _runs

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PROFILE_ENV = "DESCONTO_BENCH_PROFILE"
LAUNCHER_ENV = "DESCONTO_BENCH_LAUNCHER"


def serve() -> None:
    """`python -m bench.first_start serve ARGS...`: bench.server_rerun's timed `streamlit run`,
    and with DESCONTO_BENCH_PROFILE=FILE the first script run's cProfile written to FILE."""
    from streamlit.runtime.scriptrunner import script_runner

    starts = os.environ[TIMES_ENV] + ".starts"
    real_run = script_runner.ScriptRunner._run_script

    def stamped(self, rerun_data):  # type: ignore[no-untyped-def]
        with open(starts, "a", encoding="utf-8") as f:
            f.write(f"{time.time():.4f}\n")
        return real_run(self, rerun_data)

    script_runner.ScriptRunner._run_script = stamped  # type: ignore[method-assign]
    if os.environ.get(LAUNCHER_ENV):  # the way `make run` and the systemd unit start it
        from ui import launcher

        server_rerun.install_run_timer()
        raise SystemExit(launcher.main(sys.argv[2:]))
    out = os.environ.get(PROFILE_ENV)
    if out:
        import cProfile

        real = script_runner.ScriptRunner._run_script
        done: list[bool] = []

        def profiled(self, rerun_data):  # type: ignore[no-untyped-def]
            if done:
                return real(self, rerun_data)
            done.append(True)
            prof = cProfile.Profile()
            try:
                return prof.runcall(real, self, rerun_data)
            finally:
                prof.dump_stats(out)

        script_runner.ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    server_rerun.serve()


def one_start(
    browser, db: Path | None, tmp: Path, *, login: bool = True, launcher: bool = False
) -> dict[str, float]:
    """One start of the server on a copy of `db` (None: a new demo store)."""
    if db is None:
        path, demo = tmp / "demo.duckdb", "1"
    else:
        path, demo = tmp / "copy.duckdb", "0"
        shutil.copy(db, path)
    times = tmp / "runs.txt"
    port = _free_port()
    env = {
        **os.environ,
        "DESCONTO_DB": str(path),
        "DESCONTO_DEMO": demo,
        "DESCONTO_BACKUP_EVERY_MIN": "0",
        "DESCONTO_BACKUP_DIR": str(tmp / "backups"),
        TIMES_ENV: str(times),
    }
    args = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    if launcher:  # as the systemd unit: python -m ui.launcher --address 127.0.0.1 --port N
        env[LAUNCHER_ENV] = "1"
        args = ["--port", str(port), "--address", "127.0.0.1"]
    else:
        args = [str(ROOT / "app.py"), *args, "--server.headless", "true"]
        args += ["--server.fileWatcherType", "none"]
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.set_default_timeout(120_000)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.first_start", "serve", *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        server_rerun.wait_healthy(url, proc, t0, step=0.02)
        out["health_s"] = time.perf_counter() - t0
        wall0 = time.time() - (time.perf_counter() - t0)
        page.goto(url)
        page.get_by_label("Usuário").wait_for()
        out["login_form_s"] = time.perf_counter() - t0
        runs = _runs(times)
        out["first_run_ms"] = runs[0] if runs else float("nan")
        starts = _runs(Path(str(times) + ".starts"))
        out["first_run_start_s"] = starts[0] - wall0 if starts else float("nan")
        if login:
            page.wait_for_selector(IDLE, state="attached")
            page.get_by_label("Usuário").fill("supervisor")
            page.get_by_label("Senha").fill("demo1234")
            page.get_by_role("button", name="Entrar").click()
            page.get_by_role("button", name="Sair").wait_for()
            page.wait_for_selector(IDLE, state="attached")
            out["logged_in_s"] = time.perf_counter() - t0
    finally:
        page.context.close()
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return out


def measure(
    db: Path | None, runs: int, *, login: bool = True, launcher: bool = False
) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        try:
            for _ in range(runs):
                parent = db.parent if db is not None else None
                with tempfile.TemporaryDirectory(dir=parent) as tmp:
                    results.append(
                        one_start(browser, db, Path(tmp), login=login, launcher=launcher)
                    )
        finally:
            browser.close()
    return results


def medians(results: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def main(argv: list[str] | None = None) -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve()
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an existing store (copied)")
    ap.add_argument("--demo", action="store_true", help="a new demo store instead")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-login", action="store_true")
    ap.add_argument("--launcher", action="store_true", help="start through ui.launcher")
    args = ap.parse_args(argv)
    if (args.db is None) == (not args.demo):
        ap.error("give --db FILE or --demo")
    results = measure(args.db, args.runs, login=not args.no_login, launcher=args.launcher)
    for r in results:
        print(
            "  "
            + "  ".join(
                f"{k} {v:.3f}" if k.endswith("_s") else f"{k} {v:.0f}" for k, v in r.items()
            )
        )
    m = medians(results)
    print(
        "median "
        + "  ".join(f"{k} {v:.3f}" if k.endswith("_s") else f"{k} {v:.0f}" for k, v in m.items())
    )


if __name__ == "__main__":
    main()
