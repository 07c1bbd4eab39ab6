"""Look at a store's file before writing to it, and open it only when it is this app's store at
a version this code knows.

`check_file` reads without writing: the path's kind, permissions, the first bytes (DuckDB's
magic number, or SQLite's header), then, opened read-only, `store_info` (or, for a store created
before migration 060, `schema_migration`'s names) and the applied migrations. Anything else is
refused with a pt-BR message for the operator, and the file's bytes stay as they were.
`open_checked` then opens the file for writing.

DuckDB lets one process hold a file: a second process (another server, or `lib.admin` while the
server runs) gets `StoreInUse`, which names the process from DuckDB's lock error.

A postgresql:// URL (issue 18) is asked the same questions by `check_postgres`: can the server
be reached, does it accept the role and password, does the database exist, and does the schema
the URL selects hold nothing or this app's store at a known version. `check_store` picks the
check by the path's kind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb

from lib.domain import DomainError
from lib.store import APP_ID, Cursor, Store, connect, is_postgres, migration_files, shown

SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB file
_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class StoreUnavailable(DomainError):
    """The store's file cannot be used; `str(err)` says why and what to do, in pt-BR."""


class StoreInUse(StoreUnavailable):
    """Another process holds the file (DuckDB allows one)."""

    def __init__(self, path: str | Path, pid: int | None, program: str | None) -> None:
        self.path, self.pid, self.program = str(path), pid, program
        who = f"pelo processo {pid}" if pid else "por outro processo"
        if program:
            who += f" ({program})"
        super().__init__(
            f"A base {path} está em uso por outro processo: {who}. O DuckDB deixa um só "
            "processo abrir o arquivo. Se é o servidor da aplicação, faça pelo navegador o que "
            "precisa (Usuários, Backups), ou pare o servidor (por exemplo `systemctl stop "
            "desconto`) e rode o comando de novo."
        )


class Kind(StrEnum):
    NEW = "new"  # no file yet: it will be created
    EMPTY = "empty"  # a DuckDB file with nothing in it: used as new
    OURS = "ours"  # this app's store (maybe at an older version: start-up migrates it)


def in_use(path: str | Path, exc: BaseException) -> StoreInUse | None:
    """DuckDB's lock error as StoreInUse (None for any other error)."""
    found = _LOCK.search(str(exc))
    if found is None and "Could not set lock" not in str(exc):
        return None
    if found is None:
        return StoreInUse(path, None, None)
    return StoreInUse(path, int(found["pid"]), Path(found["program"]).name)


def check_file(path: str | Path) -> Kind:
    """What the file at `path` is, without writing to it; raises StoreUnavailable (pt-BR)."""
    p = Path(path)
    if p.is_dir():
        raise StoreUnavailable(
            f"{p} é uma pasta, não um arquivo. Em DESCONTO_DB informe o caminho de um arquivo "
            "(por exemplo data/desconto.duckdb)."
        )
    if not p.exists():
        if p.is_symlink():
            raise StoreUnavailable(f"{p} é um link para um arquivo que não existe.")
        parent = next(a for a in p.absolute().parents if a.exists())
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise StoreUnavailable(
                f"Não é possível criar a base {p}: sem permissão de escrita na pasta {parent} "
                "para o usuário do serviço."
            )
        return Kind.NEW
    if not p.is_file():
        raise StoreUnavailable(f"{p} não é um arquivo comum (é um dispositivo, fila ou socket).")
    if not os.access(p, os.R_OK):
        raise StoreUnavailable(_no_permission(p))
    if not os.access(p, os.W_OK):
        raise StoreUnavailable(
            f"A base {p} está somente leitura para o usuário do serviço: a aplicação precisa "
            "gravar nela. Dê permissão de escrita ao arquivo e à pasta dele."
        )
    folder = p.absolute().parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreUnavailable(
            f"Sem permissão de escrita na pasta {folder} para o usuário do serviço: o DuckDB "
            f"grava ali, ao lado da base, o arquivo {p.name}.wal. Dê permissão de escrita à pasta."
        )
    try:
        with p.open("rb") as f:
            head = f.read(64)
    except PermissionError as exc:
        raise StoreUnavailable(_no_permission(p)) from exc
    if not head:
        raise StoreUnavailable(
            f"O arquivo {p} está vazio (0 bytes): não é uma base desta aplicação. Se a ideia é "
            "começar do zero, apague o arquivo e a aplicação cria a base no lugar."
        )
    if head.startswith(SQLITE_MAGIC):
        raise StoreUnavailable(
            f"{p} é um arquivo SQLite, não uma base DuckDB desta aplicação. Nada foi alterado; "
            "informe em DESCONTO_DB o arquivo certo."
        )
    if head[8:12] != DUCKDB_MAGIC:
        raise StoreUnavailable(
            f"{p} não é uma base DuckDB (conteúdo desconhecido ou corrompido). Nada foi "
            "alterado; confira DESCONTO_DB ou restaure um backup (python -m lib.admin restore)."
        )
    return _inspect(p)


def _no_permission(p: Path) -> str:
    return (
        f"Sem permissão para ler a base {p}: o usuário do serviço precisa ler e gravar o "
        "arquivo (confira o dono e as permissões com `ls -l`)."
    )


def _inspect(p: Path) -> Kind:
    try:
        con = connect(p, read_only=True)
    except duckdb.ConnectionException:
        # Already open in this process (a test holding the store, or a second open of the same
        # file): a read-only connection is refused there, and the open one is ours to read.
        try:
            con = connect(p)
        except duckdb.Error as exc:
            raise _open_error(p, exc) from exc
    except duckdb.Error as exc:
        raise _open_error(p, exc) from exc
    try:
        return _identify(p, con)
    finally:
        con.close()


def _open_error(p: Path, exc: duckdb.Error) -> StoreUnavailable:
    if (busy := in_use(p, exc)) is not None:
        return busy
    if "Permission denied" in str(exc):
        return StoreUnavailable(_no_permission(p))
    if "not a valid DuckDB database file" in str(exc):
        return StoreUnavailable(
            f"{p} não é uma base DuckDB válida (arquivo corrompido ou de outro formato). Nada "
            "foi alterado; restaure um backup com python -m lib.admin restore."
        )
    return StoreUnavailable(f"Não foi possível abrir a base {p} ({exc}). Nada foi alterado.")


def _identify(p: Path, con: Cursor) -> Kind:
    """What the DuckDB file holds: its tables, views and sequences, judged by `_judge`."""
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]
        ).fetchall()
    }
    others = con.execute(
        """SELECT (SELECT count(*) FROM duckdb_views() WHERE database_name = ? AND NOT internal)
                + (SELECT count(*) FROM duckdb_sequences() WHERE database_name = ?)""",
        [db, db],
    ).fetchall()[0][0]
    foreign = StoreUnavailable(
        f"{p} é uma base DuckDB de outra aplicação, não desta. Nada foi alterado; informe em "
        "DESCONTO_DB o arquivo da base do Desconto em Fatura (ou um caminho novo)."
    )
    return _judge(str(p), tables, others, con, foreign)


def _judge(label: str, tables: set[str], others: int, con: Any, foreign: StoreUnavailable) -> Kind:
    """EMPTY, OURS, or `foreign` / a newer schema raised, from what the store holds; `con`
    (a DuckDB or psycopg connection) answers the two plain queries both engines accept."""
    if not tables and not others:
        return Kind.EMPTY
    if "store_info" in tables:
        app = con.execute("SELECT max(app) FROM store_info").fetchall()[0][0]
        if app != APP_ID:
            raise foreign
    elif not {"schema_migration", "ticket", "discount_request"} <= tables:
        raise foreign
    names = {
        r[0]: r[1] for r in con.execute("SELECT version, name FROM schema_migration").fetchall()
    }
    if "store_info" not in tables and names.get(1) != "001_initial.sql":
        raise foreign
    known = dict(migration_files())
    unknown = sorted(v for v, name in names.items() if known.get(v) != name)
    if unknown:
        newer = "mais nova que a" if max(names) > max(known) else "diferente da"
        raise StoreUnavailable(
            f"A base {label} está na versão {max(names)} do esquema, {newer} desta aplicação "
            f"(versão {max(known)}): foi criada ou atualizada por outra versão do código "
            f"(migrações desconhecidas: {', '.join(f'{v:03d}' for v in unknown)}). Nada foi "
            "alterado; atualize a aplicação antes de abri-la."
        )
    return Kind.OURS


def check_store(path: str | Path) -> Kind:
    """`check_file` for a DuckDB file, `check_postgres` for a postgresql:// URL."""
    return check_postgres(str(path)) if is_postgres(path) else check_file(path)


def open_checked(path: str | Path, *, before_open: Callable[[str], None] | None = None) -> Store:
    """The store at `path`, after `check_store`, opened for writing (not yet migrated).
    `before_open(path)` runs between the check and the open, on a file known to be this app's
    store or about to be created (lib.bootstrap narrows the file permissions there); a
    PostgreSQL database has no file to narrow."""
    if is_postgres(path):  # issue 18: the server, role, database and schema checked first
        return _open_postgres(str(path))
    check_file(path)
    if before_open is not None:
        before_open(str(path))
    try:
        return Store(path)
    except duckdb.Error as exc:
        raise _open_error(Path(path), exc) from exc


# --- PostgreSQL (issue 18) --------------------------------------------------------------------
# The same questions as for a file, asked of a server: can it be reached, do the role and the
# database exist, and does the schema hold this app's store (or nothing)? Every message names
# the store with `shown()` (the password as ***), and never repeats the password.

PG_CONNECT_TIMEOUT_S = 5  # unless the URL sets its own connect_timeout


def _pg_params(url: str) -> dict[str, Any]:
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        return dict(conninfo_to_dict(url))
    except ProgrammingError as exc:
        raise StoreUnavailable(
            f"DESCONTO_DB={shown(url)} não é um endereço PostgreSQL válido "
            f"({_scrub(str(exc), url)}). Use postgresql://usuário:senha@servidor:porta/banco."
        ) from None


_URL_IN_TEXT = re.compile(r"postgres(?:ql)?://\S+")


def _scrub(text: str, url: str | None = None) -> str:
    """A driver's message with no password in it, should it ever quote one: any URL in it shown
    with *** (lib.store.shown), `password=…` masked, and `url`'s own password wherever it is."""
    text = _URL_IN_TEXT.sub(lambda m: shown(m.group(0)), text).strip()
    text = re.sub(r"password=\S+", "password=***", text)
    password = None
    if url is not None:
        try:
            from psycopg.conninfo import conninfo_to_dict

            password = conninfo_to_dict(url).get("password")
        except Exception:
            password = None
    return text.replace(str(password), "***") if password else text


def _pg_where(params: dict[str, Any]) -> tuple[str, str, str]:
    """(server, database, role) as the messages name them."""
    host = params.get("host") or os.environ.get("PGHOST") or "localhost"
    port = params.get("port") or os.environ.get("PGPORT") or "5432"
    user = params.get("user") or os.environ.get("PGUSER") or "(usuário do sistema)"
    db = params.get("dbname") or os.environ.get("PGDATABASE") or user
    return f"{host}:{port}", str(db), str(user)


def _pg_connect_error(url: str, exc: BaseException) -> StoreUnavailable:
    server, db, user = _pg_where(_pg_params(url))
    text = str(exc)
    if "does not exist" in text and f'database "{db}"' in text:
        return StoreUnavailable(
            f"O banco {db} não existe no servidor PostgreSQL {server}. Nada foi criado; peça ao "
            f"DBA que o crie (por exemplo `createdb -O {user} {db}`) ou corrija o nome em "
            "DESCONTO_DB."
        )
    if (
        "password authentication failed" in text
        or ("role" in text and "does not exist" in text)
        or "no pg_hba.conf entry" in text
        or "no password supplied" in text
        or "authentication failed" in text
    ):
        return StoreUnavailable(
            f"O servidor PostgreSQL {server} recusou o usuário {user} (senha errada, usuário "
            f"inexistente ou sem permissão para entrar no banco {db}). Confira o usuário e a "
            "senha em DESCONTO_DB (a senha não é mostrada aqui)."
        )
    if any(
        sign in text
        for sign in (
            "Connection refused",
            "timeout expired",
            "failed to resolve host",
            "could not translate host name",
            "No route to host",
            "Network is unreachable",
            "No such file or directory",  # a Unix socket that is not there
        )
    ):
        return StoreUnavailable(
            f"Não foi possível conectar ao servidor PostgreSQL {server}: ele não respondeu "
            "(fora do ar, endereço ou porta errados, ou um firewall no caminho). Confira "
            "DESCONTO_DB e se o servidor está no ar (`pg_isready -h SERVIDOR -p PORTA`)."
        )
    return StoreUnavailable(
        f"Não foi possível abrir a base PostgreSQL {shown(url)} ({_scrub(text, url)}). Nada foi "
        "alterado."
    )


def database_failed(exc: BaseException) -> str:
    """A database error met after the store opened (a PostgreSQL server that went away, a
    permission taken back...), for the operator in pt-BR, without any password."""
    text = _scrub(" ".join(str(exc).split()))
    return (
        f"A base de dados falhou no meio da operação ({type(exc).__name__}: {text}). Confira "
        "se o servidor do banco está no ar e tente de novo."
    )


def check_postgres(url: str) -> Kind:
    """What the schema the URL selects holds, without writing to it; raises StoreUnavailable
    (pt-BR) when the server cannot be reached or refuses, or the schema is not this app's."""
    import psycopg

    params = _pg_params(url)
    params.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
    try:
        con = psycopg.connect(autocommit=True, **params)
    except psycopg.Error as exc:
        raise _pg_connect_error(url, exc) from None
    try:
        with con:
            return _identify_postgres(url, con)
    except psycopg.Error as exc:
        raise StoreUnavailable(
            f"Não foi possível ler a base PostgreSQL {shown(url)} ({_scrub(str(exc), url)}). "
            "Nada foi alterado."
        ) from None


def _identify_postgres(url: str, con: Any) -> Kind:
    schema, db = con.execute("SELECT current_schema(), current_database()").fetchone()
    if schema is None:
        raise StoreUnavailable(
            f"A base PostgreSQL {shown(url)} não tem esquema utilizável (o search_path não "
            "aponta para nenhum esquema que exista). Crie o esquema ou corrija DESCONTO_DB."
        )
    found = con.execute(
        """SELECT c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')"""
    ).fetchall()
    tables = {name for name, kind in found if kind in ("r", "p", "f")}
    others = sum(1 for _, kind in found if kind not in ("r", "p", "f"))
    server, _, _ = _pg_where(_pg_params(url))
    some = ", ".join(sorted(tables)[:5]) + ("…" if len(tables) > 5 else "")
    foreign = StoreUnavailable(
        f"O esquema {schema} do banco {db} no servidor PostgreSQL {server} tem tabelas de "
        f"outra aplicação ({some or 'visões e sequências'}), não desta. Nada foi alterado; dê "
        "ao Desconto em Fatura um banco só dele (por exemplo `createdb desconto`) e aponte "
        "DESCONTO_DB para ele."
    )
    kind = _judge(shown(url), tables, others, con, foreign)
    pending = kind == Kind.EMPTY or {v for v, _ in migration_files()} - {
        r[0] for r in con.execute("SELECT version FROM schema_migration").fetchall()
    }
    if (
        pending
        and not con.execute("SELECT has_schema_privilege(current_schema(), 'CREATE')").fetchone()[0]
    ):
        user = con.execute("SELECT current_user").fetchone()[0]
        raise StoreUnavailable(
            f"O usuário {user} não pode criar tabelas no esquema {schema} do banco {db} "
            f"({server}), e a base precisa ser {'criada' if kind == Kind.EMPTY else 'atualizada'}"
            f". Nada foi alterado; peça ao DBA `GRANT CREATE ON SCHEMA {schema} TO {user}` (ou "
            "que o usuário seja dono do banco)."
        )
    return kind


def _open_postgres(url: str) -> Store:
    import psycopg
    from psycopg_pool import PoolTimeout

    from lib.store.pg import PgStore

    check_postgres(url)
    try:
        return PgStore(url)
    except (psycopg.Error, PoolTimeout) as exc:  # the server went away since the check
        raise StoreUnavailable(
            f"Não foi possível abrir a base PostgreSQL {shown(url)} ({_scrub(str(exc), url)})."
            " Nada foi alterado."
        ) from None
