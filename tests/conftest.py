from __future__ import annotations

import os

import pytest
from hypothesis import settings

from lib.store import Store
from tests.fixtures import World, build_world

# The suite runs on 2 shared cores: judge properties by their result, not by wall time.
settings.register_profile("ci", deadline=None, max_examples=100)
settings.load_profile("ci")

# The server skips Altair's schema validation of chart specs (ui/chart_blocks.py); the tests,
# and the servers the e2e tests start, validate every spec they draw.
os.environ.setdefault("DESCONTO_VALIDATE_CHARTS", "1")


PG_URL = os.environ.get("DESCONTO_TEST_PG")  # spike: run the store-backed tests on PostgreSQL


def _pg_store(tmp_path) -> Store:
    import uuid

    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    from lib.store.pg import PgStore

    return PgStore(f"{PG_URL}{sep}options=-csearch_path%3D{schema},public")


@pytest.fixture
def store(tmp_path) -> Store:
    s = _pg_store(tmp_path) if PG_URL else Store(tmp_path / "test.duckdb")
    s.migrate()
    yield s
    s.close()


@pytest.fixture
def world(store) -> World:
    return build_world(store)


@pytest.fixture(scope="session", autouse=True)
def _close_app_stores():
    """Close the stores the app opened in this process (AppTest) while output is still
    captured, instead of at interpreter exit."""
    yield
    from lib import runtime

    runtime.stop_all()
