"""Configuration from the environment (documented in the README)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "desconto.duckdb"


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
