"""A new demo store is filled in the background (issue 17: the demo's first start drew its login
page after 5+ s). The server answers at once; the data arrives in ONE transaction, so nobody sees
half of it, a server stopped mid-seed leaves nothing and seeds again at the next start, and two
sessions (or many waiting logins) never seed twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import lib.demo
from lib import runtime
from lib.bootstrap import needs_demo_data
from lib.domain import DomainError
from lib.store import Store, identity, scalar
from tests.fixtures import password_hash

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESCONTO_DEMO", "1")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_DIR", str(tmp_path / "bk"))
    yield tmp_path
    runtime.stop_all()


class GatedSeed:
    """Stands for seed_demo: one transaction that writes a user and two customers, then waits
    at `gate` (still inside the transaction) before committing; `fail` makes it raise there."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.inside = threading.Event()
        self.calls = 0
        self.fail = False

    def __call__(self, store: Store, **_: object) -> dict:
        self.calls += 1
        with store.transaction() as cur:
            assert identity.is_demo(cur)
            if scalar(cur, "SELECT count(*) FROM customer"):
                raise ValueError("seed_demo: the store already has customers or tickets")
            cur.execute(
                "INSERT INTO staff (username, name, role, password_hash)"
                " VALUES ('supervisor', 'Demo', 'supervisor', ?)",
                [password_hash()],
            )
            for name in ("Ana Demo", "Bruno Demo"):
                cur.execute(
                    "INSERT INTO customer (name, cpf_cnpj) VALUES (?, '00000000000')", [name]
                )
            self.inside.set()
            assert self.gate.wait(30), "the test never opened the gate"
            if self.fail:
                raise RuntimeError("simulated failure in the middle of the demo")
        return {}


@pytest.fixture
def seed(monkeypatch) -> GatedSeed:
    fake = GatedSeed()
    monkeypatch.setattr(lib.demo, "seed_demo", fake)
    return fake


def counts(store: Store) -> tuple[int, int]:
    with store.read() as cur:
        return (
            scalar(cur, "SELECT count(*) FROM staff"),
            scalar(cur, "SELECT count(*) FROM customer"),
        )


def test_the_server_starts_before_the_demo_is_filled_and_nobody_sees_half_of_it(env, seed):
    started = time.perf_counter()
    rt = runtime.start(str(env / "demo.duckdb"))
    assert time.perf_counter() - started < 20  # did not wait for the gate (30 s)
    assert seed.inside.wait(10)
    assert rt.demo and rt.demo_pending()
    assert counts(rt.store) == (0, 0)  # inside the transaction: not one row shows yet
    assert not rt.needs_setup()  # a demo store never offers the real store's setup form
    seed.gate.set()
    rt.wait_for_demo(10)
    assert not rt.demo_pending()
    assert counts(rt.store) == (1, 2)
    with rt.store.read() as cur:  # the search column is filled too, before the data counts
        assert scalar(cur, "SELECT count(*) FROM customer WHERE search_name IS NULL") == 0


def test_many_waiting_logins_and_a_second_start_seed_once(env, seed):
    path = str(env / "demo.duckdb")
    rt = runtime.start(path)
    assert runtime.start(path) is rt  # a second session's start: the same runtime
    assert seed.inside.wait(10)
    errors: list[BaseException] = []

    def login() -> None:
        try:
            rt.wait_for_demo(20)
        except BaseException as exc:
            errors.append(exc)

    waiting = [threading.Thread(target=login) for _ in range(6)]
    for t in waiting:
        t.start()
    time.sleep(0.2)
    assert all(t.is_alive() for t in waiting)  # they wait for the data
    seed.gate.set()
    for t in waiting:
        t.join(20)
    assert errors == [] and seed.calls == 1
    assert counts(rt.store) == (1, 2)


def test_a_failed_filling_leaves_nothing_and_the_next_login_fills_it_again(env, seed):
    seed.fail = True
    rt = runtime.start(str(env / "demo.duckdb"))
    seed.gate.set()
    with pytest.raises(DomainError, match="dados de demonstração"):
        rt.wait_for_demo(10)
    assert rt.demo_pending() and counts(rt.store) == (0, 0)  # rolled back: nothing of it
    assert needs_demo_data(rt.store)
    seed.fail = False
    rt.wait_for_demo(10)  # started again, once
    assert seed.calls == 2 and counts(rt.store) == (1, 2) and not rt.demo_pending()


def test_shutdown_mid_seed_waits_for_the_transaction(env, seed):
    path = str(env / "demo.duckdb")
    rt = runtime.start(path)
    assert seed.inside.wait(10)
    threading.Timer(0.3, seed.gate.set).start()
    runtime.stop_all()  # waits for the seed, then checkpoints and closes
    assert not Path(f"{path}.wal").exists()
    store = Store(path)
    try:
        assert counts(store) == (1, 2)
    finally:
        store.close()
    assert rt.demo_seeder is not None and rt.demo_seeder.ok()


def test_a_server_killed_mid_seed_leaves_nothing_and_the_next_start_seeds_it(env):
    """A real process, SIGKILLed while its demo transaction is open: DuckDB keeps nothing of it,
    and the next start fills the store (the real seed_demo, at 60 customers), once."""
    path = env / "demo.duckdb"
    script = textwrap.dedent(
        f"""
        import sys, threading
        sys.path.insert(0, {str(ROOT)!r})
        import lib.demo
        from lib import runtime

        def slow(store, **kw):
            with store.transaction() as cur:
                cur.execute(
                    "INSERT INTO staff (username, name, role, password_hash)"
                    " VALUES ('meio', 'Meio', 'supervisor', 'x')"
                )
                print("inside", flush=True)
                threading.Event().wait()  # killed here

        lib.demo.seed_demo = slow
        runtime.start({str(path)!r})
        threading.Event().wait()
        """
    )
    env_vars = {**os.environ, "DESCONTO_DEMO": "1", "DESCONTO_BACKUP_EVERY_MIN": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env_vars, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "inside"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    store = Store(path)
    try:
        assert counts(store) == (0, 0) and needs_demo_data(store)
    finally:
        store.close()
    real = lib.demo.seed_demo

    def small(store: Store, **kw: object) -> dict:
        return real(store, customers=60)

    lib.demo.seed_demo = small  # type: ignore[assignment]
    try:
        rt = runtime.start(str(path))
        rt.wait_for_demo(120)
        staff, customers = counts(rt.store)
        assert customers == 60 and staff >= 4
        with rt.store.read() as cur:
            assert scalar(cur, "SELECT count(*) FROM staff WHERE username = 'meio'") == 0
    finally:
        lib.demo.seed_demo = real
