"""The list's raw floors in bench.suite give the same answer as the page: the same rows in the
same order, every column the table shows, and the same counts. A floor that does less than the
page makes the page look slow; one that answers something else makes any ratio meaningless."""

from __future__ import annotations

import pytest

from bench import suite
from lib.usecases import ticket_list as tl
from tests.conftest import ENGINES, pg_schema_url


@pytest.fixture(scope="module")
def duckdb_bench_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("floors") / "small.duckdb"
    suite.build(path, 3_000)
    store = suite.Store(path)
    yield store
    store.close()


@pytest.fixture(scope="module", params=ENGINES)
def bench_store(request, duckdb_bench_store):
    """The small store, and (issue 18, with DESCONTO_TEST_PG) its copy on PostgreSQL: the floors
    `bench.suite --pg` times there must give the page's answer too."""
    if request.param == "duckdb":
        yield duckdb_bench_store
        return
    from lib.store.pg import PgStore
    from lib.store.transfer import copy_store

    store = PgStore(pg_schema_url("floors"))
    copy_store(duckdb_bench_store, store)
    yield store
    store.close()


def test_each_list_floor_gives_the_pages_rows_columns_and_counts(bench_store):
    cases = suite.list_cases(bench_store)
    assert len(cases) >= 6
    for label, f in cases.items():
        page, matrix = tl.browse(bench_store, suite.USER, f)
        rows, counts = suite.raw_list(bench_store, f)
        assert [r[0] for r in rows] == page.ids, label
        assert {(s, d): n for s, d, n in counts} == matrix.cells, label
        frame, _ = tl.table_rows(page)
        # the floor reads every column the table shows (13 values for its 11 columns + id)
        assert len(rows[0]) == 13 and len(frame.columns) == 11, label
        for r, shown in zip(rows, page.rows, strict=True):
            assert r[5:9] == (
                shown["subject"],
                shown["department"],
                shown["customer"],
                shown["responsible"],
            ), label
            assert r[9] == shown["decision"] and r[12] == shown["deadline"], label


def test_the_deadline_floor_keeps_the_pages_open_closed_none_order(bench_store):
    f = tl.Filters(sort="prazo")
    page, _ = tl.browse(bench_store, suite.USER, f, page_size=50)
    rows, _ = suite.raw_list(bench_store, f)
    assert [r[0] for r in rows] == page.ids
    # the bare deadline order (the old floor) put closed requests' past deadlines first
    decisions = [r[9] for r in rows]
    assert decisions[0] in tl.q.OPEN_DECISIONS


def test_the_deep_page_floor_is_the_same_page(bench_store):
    key = suite.half_way_key(bench_store)
    assert key is not None
    page, _ = tl.browse(bench_store, suite.USER, tl.Filters(), after=key)
    rows, _ = suite.raw_list(bench_store, tl.Filters(), after=key)
    assert [r[0] for r in rows] == page.ids and len(rows) == 50


def test_the_closed_matrix_floor_counts_the_total_the_page_shows(bench_store):
    key = suite.half_way_key(bench_store)
    for f in suite.list_cases(bench_store).values():
        page = tl.browse_total(bench_store, suite.USER, f, after=key)
        rows, total = suite.raw_list(bench_store, f, after=key, matrix=False)
        assert [r[0] for r in rows] == page.ids
        assert total == [(page.total,)]
