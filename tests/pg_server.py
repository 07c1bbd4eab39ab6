"""A throwaway PostgreSQL for the tests (issue 18): Debian's server binaries, a cluster initialised
in a temporary folder, listening on a free local port, stopped and deleted at the end.

    python -m tests.pg_server start FOLDER   prints the URL (postgresql://…) and leaves it running
    python -m tests.pg_server stop FOLDER
    python -m tests.pg_server run -- COMMAND…  starts one in a temporary folder, runs COMMAND
                                               with DESCONTO_TEST_PG set, stops it, exits as COMMAND

`make test` starts one when `DESCONTO_TEST_PG` is not set (and installs the `postgresql` package
first when its binaries are missing). PostgreSQL refuses to run as root, and CI runs as root: the
cluster then belongs to the `postgres` user the Debian package creates. Durability is switched
off (`fsync=off`, `synchronous_commit=off`): a test database is thrown away anyway.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

URL_FILE = "url.txt"


def bin_dir() -> Path:
    """The newest installed server's binaries (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise SystemExit(
            "PostgreSQL não está instalado: `apt-get install postgresql` (o make test faz isso)."
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    """Run as `postgres` when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    bins = bin_dir()
    subprocess.run(
        _as_owner([str(bins / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                   "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"]),
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    port = _free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_owner([str(bins / "pg_ctl"), "-D", str(data), "-o", options,
                   "-l", str(folder / "server.log"), "-w", "start"]),
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    (folder / URL_FILE).write_text(url)
    return url


def stop(folder: Path) -> None:
    data = folder / "data"
    if data.exists():
        subprocess.run(
            _as_owner([str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
    shutil.rmtree(folder, ignore_errors=True)


def run(command: list[str]) -> int:
    """COMMAND with DESCONTO_TEST_PG pointing at a throwaway server, stopped whatever happens."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="desconto-pg-"))
    try:
        url = start(folder)
        print(f"PostgreSQL de teste: {url}", flush=True)
        return subprocess.run(command, env={**os.environ, "DESCONTO_TEST_PG": url}).returncode
    finally:
        stop(folder)


def main(argv: list[str]) -> None:
    if argv[:1] == ["run"]:
        command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        raise SystemExit(run(command))
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        raise SystemExit(__doc__)
    folder = Path(argv[1])
    if argv[0] == "start":
        print(start(folder))
    else:
        stop(folder)


if __name__ == "__main__":
    main(sys.argv[1:])
