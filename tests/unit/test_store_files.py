"""Only this app's stores, at a version this code knows (issue 13, item 5): every other file is
refused with its own pt-BR message, and its bytes stay as they were."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from lib.bootstrap import open_store
from lib.store import Store, migration_files
from lib.store.opening import Kind, StoreUnavailable, check_file

NOBODY = 65534


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def as_service_user(fn: Callable[[], str]) -> str:
    """Run `fn` as an unprivileged user and return what it returned.

    The suite runs as root in CI, and root reads and writes files whatever their mode says, so a
    chmod alone proves nothing there. Under root the test forks and the child drops to `nobody`
    (uid 65534) before calling `fn`: the kernel then refuses for real. No exec is needed, so the
    child works even when the interpreter lives under a private /root."""
    if os.geteuid() != 0:
        return fn()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            out = fn()
        except BaseException as exc:
            out = f"child failed: {type(exc).__name__}: {exc}"
        os.write(write, out.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        out = f.read().decode()
    os.waitpid(pid, 0)
    return out


def refusal_of(path: Path) -> str:
    try:
        check_file(path)
    except StoreUnavailable as exc:
        return str(exc)
    return "accepted"


@pytest.fixture
def shared_dir():
    """A folder `nobody` can enter (pytest's tmp_path sits under a root-only folder)."""
    d = Path(tempfile.mkdtemp(prefix="desconto-perm-"))
    d.chmod(0o777)
    yield d
    for p in d.iterdir():
        p.chmod(0o600)
        p.unlink()
    d.rmdir()


def _zero_byte(p: Path) -> None:
    p.touch()


def _random_bytes(p: Path) -> None:
    p.write_bytes(os.urandom(8192))


def _sqlite(p: Path) -> None:
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE cliente (id INTEGER PRIMARY KEY, nome TEXT)")
    con.execute("INSERT INTO cliente (nome) VALUES ('Maria')")
    con.commit()
    con.close()


def _foreign_duckdb(p: Path) -> None:
    con = duckdb.connect(str(p))
    con.execute(
        "CREATE TABLE estoque (sku VARCHAR, qtd INTEGER); INSERT INTO estoque VALUES ('a', 1)"
    )
    con.close()


def _newer_schema(p: Path) -> None:
    store = Store(p)
    store.migrate()
    with store.transaction() as cur:
        cur.execute("INSERT INTO schema_migration (version, name) VALUES (999, '999_futuro.sql')")
    store.close()


CASES = {
    "zero-byte": (_zero_byte, "está vazio (0 bytes)"),
    "random-bytes": (_random_bytes, "não é uma base DuckDB (conteúdo desconhecido ou corrompido)"),
    "sqlite": (_sqlite, "é um arquivo SQLite"),
    "foreign-duckdb": (_foreign_duckdb, "é uma base DuckDB de outra aplicação"),
    "newer-schema": (_newer_schema, "está na versão 999 do esquema, mais nova que a desta"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_file_that_is_not_our_store_is_refused_and_left_unchanged(tmp_path, case):
    make, message = CASES[case]
    path = tmp_path / "loja.duckdb"
    make(path)
    before = digest(path)
    with pytest.raises(StoreUnavailable) as refused:
        open_store(str(path), demo=True)  # the whole start-up, demo on: nothing may be added
    assert message in str(refused.value)
    assert str(path) in str(refused.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loja.duckdb"]  # no .wal either


def test_a_newer_schema_names_both_versions():
    path = Path(tempfile.mkdtemp()) / "nova.duckdb"
    _newer_schema(path)
    ours = max(v for v, _ in migration_files())
    with pytest.raises(StoreUnavailable) as refused:
        check_file(path)
    assert "versão 999 do esquema" in str(refused.value)
    assert f"(versão {ours})" in str(refused.value)
    assert "999" in str(refused.value) and "atualize a aplicação" in str(refused.value)


def test_the_foreign_store_keeps_only_its_own_tables(tmp_path):
    path = tmp_path / "outra.duckdb"
    _foreign_duckdb(path)
    with pytest.raises(StoreUnavailable):
        open_store(str(path), demo=True)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("estoque",)]
    con.close()


def test_a_directory_instead_of_a_file_is_refused(tmp_path):
    path = tmp_path / "desconto.duckdb"
    path.mkdir()
    with pytest.raises(StoreUnavailable, match="é uma pasta, não um arquivo"):
        open_store(str(path))
    assert list(path.iterdir()) == []


def test_a_read_only_file_is_refused_and_left_unchanged(shared_dir):
    path = shared_dir / "desconto.duckdb"
    Store(path).migrate()  # our own store, closed when the object goes
    path.chmod(0o444)
    before = digest(path)
    message = as_service_user(lambda: refusal_of(path))
    assert "está somente leitura para o usuário do serviço" in message, message
    assert digest(path) == before
    assert not Path(f"{path}.wal").exists()


def test_a_file_without_read_permission_is_refused(shared_dir):
    path = shared_dir / "desconto.duckdb"
    Store(path).migrate()
    path.chmod(0o000)
    message = as_service_user(lambda: refusal_of(path))
    assert "Sem permissão para ler a base" in message, message
    path.chmod(0o600)
    assert check_file(path) == Kind.OURS  # still intact


def test_a_store_in_a_folder_the_service_cannot_write_is_refused(shared_dir):
    path = shared_dir / "desconto.duckdb"
    Store(path).migrate()
    path.chmod(0o666)  # the file itself is writable...
    shared_dir.chmod(0o755)  # ...but its .wal could not be created beside it
    before = digest(path)
    message = as_service_user(lambda: refusal_of(path))
    assert "Sem permissão de escrita na pasta" in message and "desconto.duckdb.wal" in message
    assert digest(path) == before


def test_a_folder_the_service_cannot_write_is_refused_for_a_new_store(shared_dir):
    shared_dir.chmod(0o755)
    path = shared_dir / "nova.duckdb"
    message = as_service_user(lambda: refusal_of(path))
    assert "sem permissão de escrita na pasta" in message, message
    assert not path.exists()


def test_an_empty_duckdb_file_and_a_missing_file_become_a_new_store(tmp_path):
    empty = tmp_path / "vazia.duckdb"
    duckdb.connect(str(empty)).close()
    assert check_file(empty) == Kind.EMPTY
    assert check_file(tmp_path / "nova.duckdb") == Kind.NEW
    store = open_store(str(empty), demo=False)
    assert check_file(empty) == Kind.OURS
    store.close()


def test_duckdb_never_installs_or_loads_extensions_by_itself(tmp_path):
    store = Store(tmp_path / "x.duckdb")
    with store.read() as cur:
        found = cur.execute(
            "SELECT current_setting('autoinstall_known_extensions'),"
            " current_setting('autoload_known_extensions')"
        ).fetchall()
    assert found == [(False, False)]
    # A SQLite file read through the store's connection fails without a download attempt.
    db = tmp_path / "x.sqlite"
    _sqlite(db)
    with store.read() as cur, pytest.raises(duckdb.Error) as failed:
        cur.execute(f"SELECT * FROM sqlite_scan('{db}', 'cliente')")
    assert "autoload" in str(failed.value).lower() or "install" in str(failed.value).lower()
    store.close()
