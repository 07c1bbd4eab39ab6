"""Operations on a PostgreSQL store (issue 18): what start-up, `lib.admin`, the launcher and the
backups do when DESCONTO_DB is a postgresql:// URL. Backups are its operators' (pg_dump); a
server, role, database or schema that cannot be this app's store is refused in pt-BR before
anything is written, and the password is never shown. Runs on the test server
(DESCONTO_TEST_PG)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from lib import admin, runtime
from lib.bootstrap import open_store
from lib.domain import DomainError
from lib.store.opening import Kind, StoreUnavailable, check_store
from lib.usecases import backups
from tests.conftest import PG_URL, pg_schema_url

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs DESCONTO_TEST_PG")

ROOT = Path(__file__).resolve().parents[2]
SECRET = "senha-secreta-77"


def with_password(url: str, password: str = SECRET) -> str:
    """The URL with a password (the test server trusts any: it shows where one would leak)."""
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def schema_of(url: str) -> str:
    return url.rsplit("search_path%3D", 1)[1].split(",")[0]


@pytest.fixture
def pg_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESCONTO_DEMO", "0")
    monkeypatch.setenv("DESCONTO_BACKUP_DIR", str(tmp_path / "bk"))
    monkeypatch.setenv("DESCONTO_SETUP_CODE_FILE", str(tmp_path / "codigo"))
    return tmp_path


def refusal(url: str) -> str:
    with pytest.raises(StoreUnavailable) as refused:
        check_store(url)
    text = str(refused.value)
    assert SECRET not in text
    return text


# --- opening ------------------------------------------------------------------------------------


def test_a_server_that_does_not_answer_is_named_without_the_password():
    port = free_port()
    text = refusal(f"postgresql://postgres:{SECRET}@127.0.0.1:{port}/desconto")
    assert text.startswith(f"Não foi possível conectar ao servidor PostgreSQL 127.0.0.1:{port}")
    assert "DESCONTO_DB" in text


def test_a_database_that_does_not_exist_is_named_and_not_created():
    url = with_password(PG_URL.rsplit("/", 1)[0] + "/banco_que_nao_existe")
    text = refusal(url)
    assert text.startswith("O banco banco_que_nao_existe não existe no servidor PostgreSQL")
    with psycopg.connect(PG_URL) as con:
        found = con.execute("SELECT 1 FROM pg_database WHERE datname = 'banco_que_nao_existe'")
        assert found.fetchall() == []


def test_an_unknown_role_is_refused_without_the_password():
    url = PG_URL.replace("postgresql://postgres@", f"postgresql://ninguem:{SECRET}@", 1)
    text = refusal(url)
    assert "recusou o usuário ninguem" in text and "senha errada" in text


def test_a_wrong_password_is_refused_without_the_password(monkeypatch):
    # the test server trusts every local login: the server's refusal is played back
    def refuse(*args, **kwargs):
        raise psycopg.OperationalError(
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
            'password authentication failed for user "desconto"'
        )

    monkeypatch.setattr(psycopg, "connect", refuse)
    text = refusal(f"postgresql://desconto:{SECRET}@10.0.0.5:5432/desconto")
    assert text.startswith("O servidor PostgreSQL 10.0.0.5:5432 recusou o usuário desconto")


def test_a_schema_holding_another_applications_tables_is_left_as_it_was(pg_env):
    url = with_password(pg_schema_url())
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE fatura (id int PRIMARY KEY, valor numeric)")
        con.execute("INSERT INTO fatura VALUES (1, 10.5)")
    text = refusal(url)
    assert f"O esquema {schema_of(url)} do banco" in text and "(fatura)" in text
    assert "de outra aplicação" in text
    with pytest.raises(StoreUnavailable):
        open_store(url)  # what start-up and lib.admin call: refused before any write
    with psycopg.connect(url) as con:
        tables = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            [schema_of(url)],
        ).fetchall()
        assert tables == [("fatura",)]


def test_a_schema_newer_than_this_code_is_refused(pg_env):
    url = with_password(pg_schema_url())
    open_store(url).close()
    assert check_store(url) == Kind.OURS
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("INSERT INTO schema_migration (version, name) VALUES (999, '999_futuro.sql')")
    text = refusal(url)
    assert "versão 999 do esquema, mais nova que a desta aplicação" in text
    assert "***" in text  # the store named, its password masked


def test_a_role_that_cannot_create_the_tables_is_told_what_to_ask_for(pg_env):
    url = pg_schema_url()
    schema = schema_of(url)
    role = f"sem_criar_{schema}"  # roles are the whole server's: one per test
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f"CREATE ROLE {role} LOGIN")
        con.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
    weak = url.replace("postgresql://postgres@", f"postgresql://{role}:{SECRET}@", 1)
    text = refusal(weak)
    assert f"O usuário {role} não pode criar tabelas no esquema {schema}" in text
    assert f"GRANT CREATE ON SCHEMA {schema} TO {role}" in text
    open_store(url, demo=False).close()  # created by its owner: nothing left to create
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    assert check_store(weak) == Kind.OURS


def test_an_empty_schema_is_a_new_store(pg_env):
    assert check_store(pg_schema_url()) == Kind.EMPTY


def test_the_launcher_refuses_an_unreachable_server_in_portuguese(pg_env):
    url = f"postgresql://postgres:{SECRET}@127.0.0.1:{free_port()}/desconto"
    done = subprocess.run(
        [sys.executable, "-m", "ui.launcher", "--port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "DESCONTO_DB": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done
    assert done.stderr.startswith("O servidor não foi iniciado. Não foi possível conectar")
    assert "Traceback" not in done.stderr and SECRET not in done.stderr + done.stdout


# --- backups: the operators' --------------------------------------------------------------------


def test_the_server_takes_no_backups_of_a_postgresql_store(pg_env, monkeypatch, world):
    monkeypatch.setenv("DESCONTO_BACKUP_EVERY_MIN", "0.005")  # a DuckDB store: every 0.3 s
    url = with_password(world.store.path) if world.store.engine == "postgresql" else None
    if url is None:
        pytest.skip("a PostgreSQL store")
    rt = runtime.start(url)
    try:
        assert rt.scheduler is None and rt.checkpointer is None
        with pytest.raises(DomainError) as refused:
            rt.backup_now(world.supervisor)
        text = str(refused.value)
        assert "pg_dump" in text and "pg_restore" in text and SECRET not in text
        assert "postgresql://postgres@" in text  # a command to copy: no password, not even ***
        assert backups.list_backups(rt.store, world.supervisor, pg_env / "bk") == []
        with pytest.raises(DomainError, match="pg_dump"):
            backups.backup_file(rt.store, world.supervisor, pg_env / "bk", "x.duckdb")
    finally:
        runtime.stop_all()
    assert not (pg_env / "bk").exists()
    assert not list(ROOT.glob("postgres*:"))  # no folder named after the URL


def test_pg_dump_commands_name_the_schema_and_hide_the_password():
    url = f"postgresql://desconto:{SECRET}@db.local:5433/isp?options=-csearch_path%3Dloja,public"
    commands = backups.pg_dump_commands(url)
    assert commands.dump == (
        "pg_dump --format=custom --schema=loja --file=desconto-AAAAMMDD.dump "
        "'postgresql://desconto@db.local:5433/isp?options=-csearch_path%3Dloja,public'"
    )
    assert commands.restore.startswith("pg_restore --no-owner --dbname='postgresql://desconto@")
    assert "--schema" not in backups.pg_dump_commands("postgresql://u@h/db").dump


def test_admin_backup_and_restore_refuse_a_url_and_name_pg_dump(tmp_path, capsys):
    url = with_password(pg_schema_url())
    assert admin.main(["backup", "--db", url, "--to", str(tmp_path / "bk")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Esta base é PostgreSQL") and "pg_dump" in err and SECRET not in err
    assert not (tmp_path / "bk").exists()
    assert admin.main(["restore", str(tmp_path / "b.duckdb"), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "pg_restore" in err and SECRET not in err
    assert admin.main(["restore", url, "--db", str(tmp_path / "nova.duckdb")]) == 1
    assert "pg_restore" in capsys.readouterr().err
    assert not (tmp_path / "nova.duckdb").exists()
    assert not list(ROOT.glob("postgres*:"))


def test_admin_check_works_on_a_url(capsys):
    url = with_password(pg_schema_url())
    assert admin.main(["check", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "pronto para iniciar (base nova)" in out and SECRET not in out
    open_store(url, demo=False).close()
    assert admin.main(["check", "--db", url]) == 0
    assert "pronto para iniciar (base existente)" in capsys.readouterr().out
    port = free_port()
    assert admin.main(["check", "--db", f"postgresql://postgres@127.0.0.1:{port}/x"]) == 2
    assert "Não foi possível conectar ao servidor PostgreSQL" in capsys.readouterr().err


def test_admin_runs_beside_a_server_on_the_same_postgresql_store(pg_env, world):
    """DuckDB's lock made lib.admin wait for a stopped server; PostgreSQL serves both."""
    if world.store.engine != "postgresql":
        pytest.skip("a PostgreSQL store")
    done = subprocess.run(
        [sys.executable, "-m", "lib.admin", "create-supervisor", "--username", "maria"]
        + ["--name", "Maria", "--password-stdin", "--db", world.store.path],
        cwd=ROOT,
        input="senha-forte-1\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done
    assert "Supervisor maria criado" in done.stdout


def test_a_database_failing_midway_is_a_message_not_a_traceback(monkeypatch, capsys):
    """The server going away after the pre-flight: lib.admin and the launcher exit 2 in pt-BR."""
    from lib.usecases import users
    from ui import launcher

    url = with_password(pg_schema_url())

    def gone(*args, **kwargs):
        raise psycopg.OperationalError(f"consuming input failed: server closed ({url})")

    monkeypatch.setattr(users, "create_user", gone)
    monkeypatch.setattr(admin, "create_user", gone)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("senha-forte-1\n"))
    argv = ["create-supervisor", "--username", "m", "--name", "M", "--password-stdin"]
    assert admin.main([*argv, "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("A base de dados falhou no meio da operação (OperationalError:")
    assert SECRET not in err and "postgres:***@" in err
    monkeypatch.setattr(runtime, "start", gone)
    assert launcher.main(["--port", "1"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("O servidor não foi iniciado. A base de dados falhou") and SECRET not in err
    )
