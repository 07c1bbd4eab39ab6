from __future__ import annotations

import pytest

from lib.store import Store
from tests.fixtures import World, build_world


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "test.duckdb")
    s.migrate()
    yield s
    s.close()


@pytest.fixture
def world(store) -> World:
    return build_world(store)
