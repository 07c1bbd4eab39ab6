"""Command line for the server's administrator.

    python -m lib.admin create-supervisor --username maria --name "Maria Souza" [--email ...]

The password is asked on the terminal (or read from standard input with --password-stdin).
Whoever runs commands on the server already controls the store, so this needs no login.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from lib.bootstrap import open_store
from lib.domain import DomainError
from lib.usecases.users import create_user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    sup = sub.add_parser("create-supervisor", help="create a supervisor user")
    sup.add_argument("--username", required=True)
    sup.add_argument("--name", required=True)
    sup.add_argument("--email")
    sup.add_argument("--db", help="DuckDB file (default: DESCONTO_DB or data/desconto.duckdb)")
    sup.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    args = parser.parse_args(argv)

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Senha: ")
        if getpass.getpass("Repita a senha: ") != password:
            print("As senhas não conferem.", file=sys.stderr)
            return 2
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
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"Supervisor {args.username} criado (id {user_id}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
