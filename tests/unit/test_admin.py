"""The admin command line (issue 13, item 3 and 4): clear pt-BR refusals, backup and restore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lib import admin
from lib.store import Store
from tests.unit.test_backups import HOLD, dump

ROOT = Path(__file__).resolve().parents[2]


def run_admin(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.admin", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def held(world):
    """The world's store held by another process, as a running server holds it."""
    path = world.store.path
    world.store.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, path], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield path, holder.pid
    holder.kill()
    holder.wait()


@pytest.mark.duckdb_only("the DuckDB file's lock (PostgreSQL serves many processes)")
@pytest.mark.parametrize(
    "command",
    [
        ["create-supervisor", "--username", "maria", "--name", "Maria", "--password-stdin"],
        ["backup", "--to", "BACKUPS"],
        ["check"],
        ["import-ixc", str(ROOT / "tests" / "data" / "ixc" / "clientes.csv")],
    ],
)
def test_a_store_held_by_a_running_server_exits_2_in_portuguese(held, tmp_path, command):
    path, pid = held
    args = [a.replace("BACKUPS", str(tmp_path / "bk")) for a in command]
    done = run_admin(*args, "--db", path, stdin="senha-forte-1\n")
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert f"está em uso por outro processo: pelo processo {pid}" in done.stderr
    assert "pare o servidor" in done.stderr and "pelo navegador" in done.stderr
    assert not (tmp_path / "bk").exists()


@pytest.mark.duckdb_only("file backups (PostgreSQL's: test_pg_operations)")
def test_backup_and_restore_from_the_command_line(world, tmp_path, capsys):
    before = dump(world.store)
    path = world.store.path
    world.store.close()
    assert admin.main(["backup", "--db", path, "--to", str(tmp_path / "bk")]) == 0
    taken = sorted((tmp_path / "bk").glob("*.duckdb"))
    assert len(taken) == 1 and "conferido" in capsys.readouterr().out
    new = tmp_path / "nova.duckdb"
    assert admin.main(["restore", str(taken[0]), "--db", str(new)]) == 0
    assert "conferida" in capsys.readouterr().out
    assert dump(Store(new)) == before
    # and never over it again
    assert admin.main(["restore", str(taken[0]), "--db", str(new)]) == 1
    assert "já existe" in capsys.readouterr().err


def test_check_says_a_store_can_start(world, capsys):
    path = world.store.path
    world.store.close()
    assert admin.main(["check", "--db", path]) == 0
    assert "pronto para iniciar (base existente)" in capsys.readouterr().out


def test_a_bad_setting_is_refused_in_portuguese(world, monkeypatch, capsys):
    world.store.close()
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "uma hora")
    assert admin.main(["check", "--db", world.store.path]) == 2
    assert "DESCONTO_BACKUP_EVERY_MIN='uma hora': informe um número" in capsys.readouterr().err
