"""The store holds password hashes: the app creates it, and its write-ahead log, readable by
the service user only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import os, stat, sys
from lib.bootstrap import open_store
from lib.usecases.users import create_user
path = sys.argv[1]
store = open_store(path, demo=False)
create_user(store, None, username="m" + os.urandom(4).hex(), name="Maria", role="supervisor", password="segura123")
wal = path + ".wal"
assert os.path.exists(wal), "expected a write-ahead log while the store is open"
for f in (path, wal, os.path.dirname(path)):
    print(f, oct(stat.S_IMODE(os.stat(f).st_mode)))
"""


def run(path: Path) -> dict[str, str]:
    # A child process: the umask is process-wide, and the test runner's should stay as it is.
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    return dict(line.rsplit(" ", 1) for line in out.splitlines())


def test_new_store_and_wal_are_0600_even_under_a_permissive_umask(tmp_path):
    old = os.umask(0o022)  # what most servers have: new files world-readable
    try:
        modes = run(tmp_path / "dados" / "desconto.duckdb")
    finally:
        os.umask(old)
    db = str(tmp_path / "dados" / "desconto.duckdb")
    assert modes[db] == "0o600"
    assert modes[db + ".wal"] == "0o600"
    assert modes[str(tmp_path / "dados")] == "0o700"


def test_an_existing_world_readable_store_is_narrowed(tmp_path):
    db = tmp_path / "desconto.duckdb"
    run(db)
    db.chmod(0o644)
    assert run(db)[str(db)] == "0o600"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def admin(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "lib.admin", *args],
        cwd=ROOT,
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_backups_and_a_restored_store_are_0600_too(tmp_path):
    """`lib.admin backup` and `restore` write stores outside any server: same hashes inside."""
    db = tmp_path / "desconto.duckdb"
    run(db)
    old = os.umask(0o022)
    try:
        admin("backup", "--db", str(db), "--to", str(tmp_path / "bk"))
        (backup,) = (tmp_path / "bk").glob("*.duckdb")
        admin("restore", str(backup), "--db", str(tmp_path / "nova.duckdb"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "nova.duckdb").stat().st_mode) == 0o600
