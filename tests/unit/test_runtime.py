"""The server process's life (lib.runtime): the first start's one-time code, the backup timer,
the checkpoint at shutdown; and the operator's log lines (lib.logs)."""

from __future__ import annotations

import logging
import stat
import threading
import time
from pathlib import Path

import pytest

from lib import config, logs, runtime
from lib.domain import DomainError
from lib.store import Store, scalar


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler = Lines()
    logs.logger().addHandler(handler)
    yield handler.lines
    logs.logger().removeHandler(handler)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESCONTO_DEMO", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_DIR", str(tmp_path / "bk"))
    monkeypatch.delenv("DESCONTO_SETUP_CODE_FILE", raising=False)
    return tmp_path


SUPERVISOR = dict(name="Maria Souza", password="senha-forte-1", password_again="senha-forte-1")


def test_first_start_prints_a_one_time_code_and_writes_it_for_the_service_user_only(env, log_lines):
    db = env / "real.duckdb"
    rt = runtime.start(str(db))
    try:
        code = rt.setup_code
        assert code and len(code) == 14 and code.count("-") == 2
        announced = [line for line in log_lines if "Configuração inicial" in line]
        assert len(announced) == 1 and code in announced[0]
        code_file = Path(f"{db}.codigo-configuracao")
        assert str(code_file) in announced[0]
        assert code_file.read_text().strip() == code
        assert stat.S_IMODE(code_file.stat().st_mode) == 0o600
        assert rt.needs_setup()

        with pytest.raises(DomainError, match="Código de configuração incorreto"):
            rt.create_first_supervisor("AAAA-BBBB-CCCC", username="maria", **SUPERVISOR)
        user_id = rt.create_first_supervisor(code.lower(), username="maria", **SUPERVISOR)
        assert user_id and not rt.needs_setup() and not code_file.exists()
        with pytest.raises(DomainError, match="Código de configuração incorreto"):  # spent
            rt.create_first_supervisor(code, username="joana", **SUPERVISOR)
        with rt.store.read() as cur:
            assert scalar(cur, "SELECT list(username) FROM staff") == ["maria"]
            assert scalar(cur, "SELECT role FROM staff") == "supervisor"
    finally:
        rt.shutdown()


def test_two_browsers_with_the_code_make_one_supervisor(env, monkeypatch):
    from lib.usecases import first_start

    rt = runtime.start(str(env / "corrida.duckdb"))
    code = rt.setup_code
    counted = first_start.staff_store.count_users

    def slow_count(cur):  # both transactions would see nobody yet, were they not serialised
        found = counted(cur)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(first_start.staff_store, "count_users", slow_count)
    results: list[object] = []

    def go(name: str) -> None:
        try:
            results.append(rt.create_first_supervisor(code or "", username=name, **SUPERVISOR))
        except DomainError as exc:
            results.append(exc)

    threads = [threading.Thread(target=go, args=(n,)) for n in ("ana", "bia")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["DomainError", "int"]
    with rt.store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM staff") == 1
    rt.shutdown()


def test_no_code_when_someone_can_log_in(world, env):
    world.store.close()
    rt = runtime.start(world.store.path)
    assert rt.setup_code is None and not rt.needs_setup()
    assert not config.setup_code_file(world.store.path).exists()  # also for a PostgreSQL URL
    assert rt.setup_file is None
    rt.shutdown()


def test_shutdown_checkpoints_so_no_wal_is_left(env):
    db = env / "wal.duckdb"
    rt = runtime.start(str(db))
    with rt.store.transaction() as cur:
        cur.execute(
            "INSERT INTO login_attempt (username, attempted_at, success) VALUES ('x', now(), false)"
        )
    assert Path(f"{db}.wal").exists()  # the write sits in the .wal until a checkpoint
    rt.shutdown()
    assert not Path(f"{db}.wal").exists()
    store = Store(db)
    with store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM login_attempt") == 1
    store.close()


def test_the_timer_takes_backups_and_stops(env, monkeypatch, log_lines):
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0.005")  # every 0.3 s
    monkeypatch.setenv("DESCONTO_BACKUP_KEEP", "2")
    rt = runtime.start(str(env / "timer.duckdb"))
    deadline = time.monotonic() + 30
    while len([ln for ln in log_lines if "backup why=automático" in ln]) < 3:
        assert time.monotonic() < deadline, log_lines
        time.sleep(0.1)
    rt.shutdown()
    assert len(list((env / "bk").glob("*.duckdb"))) == 2  # the newest two are kept
    assert runtime.start(str(env / "timer.duckdb")) is rt  # once per process and file


def test_log_lines_are_one_line_with_the_id_user_page_and_ticket(log_lines):
    logs.refusal(
        "R-0000ABCD", "Reprovar: informe\no motivo.", user="fabio", page="/atendimentos", ticket=42
    )
    try:
        raise RuntimeError('quebrou "feio"')
    except RuntimeError as exc:
        logs.unexpected("E-1234ABCD", exc, user=None, page="/graficos")
    refusal, error, trace = log_lines
    assert "rastro id=E-1234ABCD trace=" in trace
    assert "test_runtime.py:" in trace and "\n" not in trace
    assert refusal.endswith(
        'recusa id=R-0000ABCD user=fabio page=/atendimentos ticket=42 msg="Reprovar: informe o motivo."'
    )
    assert "\n" not in error
    assert (
        'erro inesperado id=E-1234ABCD user=- page=/graficos error="RuntimeError: quebrou' in error
    )
    assert 'at="tests/unit/test_runtime.py:' in error
