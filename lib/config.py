"""Configuration from the environment (documented in the README)."""

from __future__ import annotations

import os
from pathlib import Path

from lib.clientaddr import Network, parse_networks

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "desconto.duckdb"
DEFAULT_SESSION_HOURS = 12.0


def db_path() -> str:
    """DESCONTO_DB: the DuckDB file (default data/desconto.duckdb in the project)."""
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
