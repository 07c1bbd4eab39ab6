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


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "test.duckdb")
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
