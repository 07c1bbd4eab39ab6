"""Start the server the way `make run` and the systemd unit do:

    .venv/bin/python -m ui.launcher [--port 8501] [--address 0.0.0.0]

First the pre-flight: the store is checked, opened, migrated and (a demo store only) filled, the
first start's setup code is printed and the backup timer starts (lib.runtime). When the store
cannot be used (another server holds it, it is not this app's, its schema is newer, no
permission...; for a PostgreSQL URL also a server that does not answer, a refused role or password,
a missing database) the launcher prints why, in pt-BR and without the password, and exits with
code 2 before Streamlit starts.
Then Streamlit serves app.py in this same process, which keeps the store it opened. On SIGTERM
or Ctrl+C Streamlit stops and the store is checkpointed and closed (no .wal left).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lib import runtime
from lib.store import StoreError
from lib.store.opening import StoreUnavailable, database_failed

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.launcher")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8501))
    parser.add_argument("--address", help="address to listen on (default: Streamlit's)")
    args, streamlit_args = parser.parse_known_args(argv)
    try:
        runtime.start()
    except (StoreUnavailable, ValueError) as exc:  # DomainError is a ValueError too
        print(f"O servidor não foi iniciado. {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:  # e.g. the PostgreSQL server went away while migrating
        print(f"O servidor não foi iniciado. {database_failed(exc)}", file=sys.stderr)
        return 2

    from streamlit.web import cli

    flags = ["--server.port", str(args.port), "--server.headless", "true"]
    if args.address:
        flags += ["--server.address", args.address]
    try:
        cli.main(["run", str(APP), *flags, *streamlit_args], prog_name="streamlit")
    except SystemExit as done:
        return int(done.code or 0) if not isinstance(done.code, str) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
