"""Configuration from the environment (documented in the README)."""

from __future__ import annotations

import os
from pathlib import Path

from lib.clientaddr import Network, parse_networks

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "desconto.duckdb"
DEFAULT_SESSION_HOURS = 12.0


def db_path() -> str:
    """DESCONTO_DB: the DuckDB file (default data/desconto.duckdb in the project), or a
    PostgreSQL URL (postgresql://user:password@host:port/database)."""
    return os.environ.get("DESCONTO_DB") or str(DEFAULT_DB)


def demo_enabled() -> bool:
    """DESCONTO_DEMO: fill a new store with demo data (default on; 0, false or no turns it off)."""
    return os.environ.get("DESCONTO_DEMO", "1").strip().lower() not in (
        "0",
        "false",
        "no",
        "nao",
        "não",
    )


def session_hours() -> float:
    """DESCONTO_SESSION_HOURS: how long a login lasts across reloads and tabs (default 12)."""
    raw = os.environ.get("DESCONTO_SESSION_HOURS", "").strip().replace(",", ".")
    try:
        hours = float(raw) if raw else DEFAULT_SESSION_HOURS
    except ValueError:
        return DEFAULT_SESSION_HOURS
    return hours if 0 < hours <= 24 * 30 else DEFAULT_SESSION_HOURS


def trusted_proxies() -> list[Network]:
    """DESCONTO_TRUSTED_PROXIES: addresses or CIDR blocks of the reverse proxies whose
    X-Forwarded-For header is believed (default none: the connection's own address counts)."""
    return parse_networks(os.environ.get("DESCONTO_TRUSTED_PROXIES", ""))


# --- operations (issue 13): backups and the first start ----------------------------------------


def _number(name: str, default: float, *, minimum: float) -> float:
    raw = os.environ.get(name, "").strip().replace(",", ".")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: informe um número (padrão {default:g}).") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r}: o mínimo é {minimum:g}.")
    return value


def backup_dir() -> Path:
    """DESCONTO_BACKUP_DIR: where backups go (default data/backups in the project)."""
    return Path(os.environ.get("DESCONTO_BACKUP_DIR") or ROOT / "data" / "backups")


def backup_every_min() -> float:
    """DESCONTO_BACKUP_EVERY_MIN: minutes between automatic backups (default 60; 0 turns them
    off; fractions are allowed, e.g. 0.1 for a backup every 6 seconds in tests)."""
    return _number("DESCONTO_BACKUP_EVERY_MIN", 60, minimum=0)


def backup_keep() -> int:
    """DESCONTO_BACKUP_KEEP: how many backups to keep, newest first (default 48)."""
    return int(_number("DESCONTO_BACKUP_KEEP", 48, minimum=1))


def setup_code_file(db: str) -> Path:
    """DESCONTO_SETUP_CODE_FILE: where the first start's one-time setup code is written, readable
    only by the service user (default: beside the store, <store>.codigo-configuracao; for a
    PostgreSQL store, data/postgresql.codigo-configuracao in the project)."""
    if db.startswith(("postgresql://", "postgres://")):
        db = str(ROOT / "data" / "postgresql")
    return Path(os.environ.get("DESCONTO_SETUP_CODE_FILE") or f"{db}.codigo-configuracao")


# --- performance (issue 17) ------------------------------------------------------------------

DEFAULT_DUCKDB_MEMORY_MB = 384


def duckdb_memory_mb() -> int:
    """DESCONTO_DUCKDB_MEMORY_MB: DuckDB's memory_limit for the server, in MB (default 384).
    DuckDB's own default is 80% of the machine's RAM; past this limit it spills to disk
    instead of growing the process."""
    return int(_number("DESCONTO_DUCKDB_MEMORY_MB", DEFAULT_DUCKDB_MEMORY_MB, minimum=64))
