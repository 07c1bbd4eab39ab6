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


# Issue 18: with DESCONTO_TEST_PG (a PostgreSQL URL; `make test` starts a throwaway server and
# sets it), every test that takes the `store` fixture, and so every use-case and AppTest test,
# runs twice: on DuckDB and on PostgreSQL, each test in a schema of its own.
PG_URL = os.environ.get("DESCONTO_TEST_PG")
ENGINES = ["duckdb", *(["postgresql"] if PG_URL else [])]


def pg_schema_url(prefix: str = "t") -> str:
    """A fresh, empty schema on the test server, as a URL whose connections use it."""
    import uuid

    import psycopg

    assert PG_URL is not None, "DESCONTO_TEST_PG is not set"
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema},public"


def open_store(engine: str, tmp_path) -> Store:
    """A new, migrated-from-nothing store on `engine` (not migrated yet)."""
    if engine == "postgresql":
        from lib.store.pg import PgStore

        return PgStore(pg_schema_url())
    return Store(tmp_path / "test.duckdb")


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """The engine under test. A test marked `duckdb_only("why")` is about the DuckDB file
    itself (its .wal, file locks, memory limit, file backups) and is skipped on PostgreSQL."""
    only = request.node.get_closest_marker("duckdb_only")
    if request.param == "postgresql" and only is not None:
        pytest.skip(f"DuckDB only: {only.args[0] if only.args else 'the DuckDB file itself'}")
    return request.param


@pytest.fixture
def store(engine, tmp_path) -> Store:
    s = open_store(engine, tmp_path)
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
