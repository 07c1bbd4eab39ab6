"""Command line for the server's administrator, for a stopped server (DuckDB lets one process
hold the store: while the server runs, use its pages instead).

    python -m lib.admin create-supervisor --username maria --name "Maria Souza" [--email ...]
    python -m lib.admin backup --db data/desconto.duckdb --to data/backups
    python -m lib.admin restore data/backups/desconto-20261130-140000-000.duckdb --db data/nova.duckdb
    python -m lib.admin check [--db FILE | --db postgresql://…]
    python -m lib.admin import-ixc --db FILE CLIENTES CONTRATOS LOGINS [--dry-run]

The password is asked on the terminal (or read from standard input with --password-stdin).
Whoever runs commands on the server already controls the store, so this needs no login.
Exit codes: 0 done, 1 refused (the message says why), 2 the store cannot be used (in use by a
running server, not this app's store, a newer schema, no permission...), 3 (import-ixc only) done,
but some rows were refused and left out (listed, with why): a nightly job can alert on it.

A PostgreSQL store (issue 18: --db or DESCONTO_DB postgresql://…) can be used while servers run
on it; `backup` and `restore` refuse it (exit 1) and name pg_dump / pg_restore, which its
operators use instead.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from lib import config
from lib.bootstrap import open_store, private_umask
from lib.domain import DomainError
from lib.store import StoreError, is_postgres, shown
from lib.store.opening import Kind, StoreUnavailable, check_store, database_failed
from lib.usecases import backups
from lib.usecases.users import create_user

_DB_HELP = "DuckDB file or postgresql:// URL (default: DESCONTO_DB or data/desconto.duckdb)"


def _create_supervisor(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Senha: ")
        if getpass.getpass("Repita a senha: ") != password:
            print("As senhas não conferem.", file=sys.stderr)
            return 1
    store = open_store(args.db, demo=False)
    try:
        user_id = create_user(
            store,
            None,
            username=args.username,
            name=args.name,
            role="supervisor",
            password=password,
            email=args.email,
        )
    finally:
        store.close()
    print(f"Supervisor {args.username} criado (id {user_id}).")
    return 0


def _backup(args: argparse.Namespace) -> int:
    db = args.db or config.db_path()
    if is_postgres(db):
        print(backups.operators_backups(db), file=sys.stderr)
        return 1
    if not Path(db).exists():
        print(f"{db} não existe: não há base para copiar.", file=sys.stderr)
        return 2
    store = open_store(db, demo=False)
    try:
        done = backups.take_backup(store, None, Path(args.to), args.keep or config.backup_keep())
    finally:
        store.close()
    print(
        f"Backup {done.path} ({done.size / 1e6:.1f} MB, {done.rows} linhas, "
        f"{done.seconds:.1f} s) conferido."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    for either in (args.backup, args.db):
        if is_postgres(either):  # before Path(), which would read the URL as a path
            print(backups.operators_backups(either), file=sys.stderr)
            return 1
    counts = backups.restore(Path(args.backup), Path(args.db))
    print(
        f"Base {args.db} criada a partir de {args.backup} e conferida: {len(counts)} tabelas, "
        f"{sum(counts.values())} linhas. Para usá-la, aponte DESCONTO_DB para ela e inicie o "
        "servidor."
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    db = args.db or config.db_path()
    kind = check_store(db)
    config.backup_every_min(), config.backup_keep()  # a bad setting stops the start, too
    print(
        f"{shown(db)}: pronto para iniciar ({'base existente' if kind == Kind.OURS else 'base nova'})."
    )
    return 0


# import-ixc's exit code when the import ran but left refused rows out
REFUSED_ROWS = 3


def _import_ixc(args: argparse.Namespace) -> int:
    from lib.usecases import ixc_import

    db = args.db or config.db_path()
    if not is_postgres(db) and not Path(db).exists():
        print(f"{db} não existe: crie a base iniciando o servidor uma vez.", file=sys.stderr)
        return 2
    sources = []
    for kind, name in zip(
        ixc_import.KINDS, (args.clientes, args.contratos, args.logins), strict=True
    ):
        if name in (None, "-"):
            continue
        path = Path(name)
        if not path.is_file():
            print(f"{name}: arquivo não encontrado.", file=sys.stderr)
            return 1
        sources.append(ixc_import.load_file(kind, path.read_bytes(), path.name))
    store = open_store(db, demo=False)
    try:
        if args.dry_run:
            results = ixc_import.dry_run(store, None, sources)
        else:
            results = ixc_import.run_import(store, None, sources, progress=_progress)
            print(file=sys.stderr)
    finally:
        store.close()
    refused = 0
    for result in results:
        print(ixc_import.summary(result, done=not args.dry_run))
        for row in result.rows:
            if row.outcome == "recusar":
                refused += 1
                print(f"  linha {row.line} (id {row.ixc_id or '?'}): {row.reason}")
    print("Simulação: nada foi gravado." if args.dry_run else "Importação gravada.")
    if refused:
        print(
            f"{refused} linha(s) recusada(s) ficaram de fora: corrija-as no IXC e importe de novo.",
            file=sys.stderr,
        )
        return REFUSED_ROWS
    return 0


def _copy(args: argparse.Namespace) -> int:
    """Copy a whole store to another engine (issue 18): DuckDB file <-> postgresql://…"""
    from lib.store.transfer import copy_store

    if not is_postgres(args.source) and not Path(args.source).exists():
        print(f"{args.source} não existe.", file=sys.stderr)
        return 1
    if not is_postgres(args.dest) and Path(args.dest).exists():
        print(
            f"{args.dest} já existe: a cópia só escreve numa base nova (ou num banco "
            "PostgreSQL), para não apagar nada por engano.",
            file=sys.stderr,
        )
        return 1
    source = open_store(args.source, demo=False)
    try:
        dest = open_store(args.dest, demo=False)
        try:
            copied = copy_store(source, dest)
        finally:
            dest.close()
    finally:
        source.close()
    for table, n in sorted(copied.items()):
        print(f"{table}: {n}")
    print(f"Cópia conferida: {sum(copied.values())} linhas em {len(copied)} tabelas.")
    return 0


def _progress(kind: str, done: int, total: int) -> None:
    print(f"\r{kind}: {done}/{total}", end="", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    sup = sub.add_parser("create-supervisor", help="create a supervisor user")
    sup.add_argument("--username", required=True)
    sup.add_argument("--name", required=True)
    sup.add_argument("--email")
    sup.add_argument("--db", help=_DB_HELP)
    sup.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sup.set_defaults(run=_create_supervisor)
    bak = sub.add_parser("backup", help="back up a stopped server's store into a folder")
    bak.add_argument("--db", help=_DB_HELP)
    bak.add_argument("--to", required=True, help="folder for the backup")
    bak.add_argument("--keep", type=int, help="backups to keep (default DESCONTO_BACKUP_KEEP)")
    bak.set_defaults(run=_backup)
    res = sub.add_parser("restore", help="write a new store from a backup")
    res.add_argument("backup", help="the backup file")
    res.add_argument("--db", required=True, help="the new store's file (must not exist)")
    res.set_defaults(run=_restore)
    chk = sub.add_parser("check", help="pre-flight: can a server start on this store?")
    chk.add_argument("--db", help=_DB_HELP)
    chk.set_defaults(run=_check)
    ixc = sub.add_parser(
        "import-ixc", help="import IXC listings (cliente, cliente_contrato, radusuarios)"
    )
    ixc.add_argument("--db", help=_DB_HELP)
    ixc.add_argument("clientes", help="IXC cliente listing (CSV/XLSX), or - to skip")
    ixc.add_argument("contratos", nargs="?", help="IXC cliente_contrato listing, or -")
    ixc.add_argument("logins", nargs="?", help="IXC radusuarios listing, or -")
    ixc.add_argument(
        "--dry-run", action="store_true", help="report what would change; write nothing"
    )
    ixc.set_defaults(run=_import_ixc)
    cpy = sub.add_parser(
        "copy", help="copy a whole store to another engine (DuckDB <-> PostgreSQL)"
    )
    cpy.add_argument("--from", dest="source", required=True, help="FILE.duckdb or postgresql://…")
    cpy.add_argument("--to", dest="dest", required=True, help="a new FILE.duckdb or postgresql://…")
    cpy.set_defaults(run=_copy)
    args = parser.parse_args(argv)
    private_umask()  # a backup or a restored store holds password hashes, like the store
    try:
        return int(args.run(args))
    except StoreUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:  # a bad setting (lib.config), already in pt-BR
        print(str(exc), file=sys.stderr)
        return 2
    except StoreError as exc:  # the database failed midway (a PostgreSQL server gone...)
        print(database_failed(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
