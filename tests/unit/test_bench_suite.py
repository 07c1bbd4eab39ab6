"""The benchmark suite's smoke run (10k tickets, one repetition) runs with the tests, so the
bench cannot rot unnoticed. It checks the table is printed, never a timing."""

from __future__ import annotations

import pytest

from bench import engines, suite
from tests.conftest import PG_URL, pg_schema_url


def test_the_bench_suite_prints_its_table(capsys):
    suite.main(["--smoke"])
    out = capsys.readouterr().out
    assert suite.HEADER in out
    assert "load average" in out
    for label in (
        "list: no filter",
        "list: customer-name search",
        "list: a page half-way down",
        "counts: no filter",
        "charts use-case, all figures",
        "open a request, 1 writer(s)",
        "open a request, 8 writer(s)",
        "start-up: open the store",
        "peak RSS",
    ):
        line = next((x for x in out.splitlines() if x.startswith(label)), None)
        assert line is not None, f"{label!r} missing from:\n{out}"
        assert "k " in line or label == "peak RSS", line  # the store's own size, not "1M"


@pytest.mark.skipif(PG_URL is None, reason="DESCONTO_TEST_PG is not set")
def test_the_suite_runs_every_row_on_postgresql_beside_duckdb(capsys):
    """Issue 18: `--pg URL` copies the smoke store into an empty PostgreSQL schema and prints
    each row with both engines' figures and their ratio (the 8-writer row on PostgreSQL with
    eight pooled connections at once). No row may fall back to DuckDB alone."""
    suite.main(["--smoke", "--pg", pg_schema_url("bench")])
    out = capsys.readouterr().out
    assert engines.HEADER in out
    assert "PostgreSQL failed" not in out, out
    for label in (
        "list: no filter",
        "list: customer-name search",
        "list: a page half-way down",
        "counts: no filter",
        "charts use-case, all figures",
        "billing: summary + page 1",
        "start-up: open the store",
        "open a request, 1 writer(s)",
        "open a request, 8 writer(s)",
    ):
        line = next((x for x in out.splitlines() if x.startswith(label)), None)
        assert line is not None, f"{label!r} missing from:\n{out}"
        figures = line[44:].split()
        # size, then DuckDB's median, p95, floor, PostgreSQL's median, p95, floor, the ratio
        assert figures[0].endswith("k") and len(figures) >= 8, line
        ratio = float(figures[7])
        assert ratio == pytest.approx(float(figures[4]) / float(figures[1]), rel=0.2), line
    assert "refused by a conflict" not in out, out


@pytest.mark.skipif(PG_URL is None, reason="DESCONTO_TEST_PG is not set")
def test_a_second_run_on_the_same_postgresql_store_still_times_the_charts(capsys):
    """The write rows leave the charts' change log full; the next run's charts rows must still
    be measured on PostgreSQL: its incremental refresh runs there too."""
    url = pg_schema_url("bench")
    suite.main(["--smoke", "--pg", url])
    capsys.readouterr()
    suite.main(["--smoke", "--pg", url])
    out = capsys.readouterr().out
    for label in ("charts use-case, all figures", "billing: summary + page 1"):
        line = next(x for x in out.splitlines() if x.startswith(label))
        assert "failed" not in line and len(line[44:].split()) == 8, line


def test_pg_option_refuses_a_file_path():
    with pytest.raises(SystemExit):
        suite.main(["--smoke", "--pg", "/tmp/not-a-url.duckdb"])


def test_the_write_rows_save_just_after_midnight(tmp_path, monkeypatch):
    """The saves open their ticket six hours ago: at 00:30 the outage's day is yesterday, or
    every save is refused ("depois da abertura") and the writer threads die with no times."""
    from datetime import datetime

    from bench import open_request
    from lib.domain import TZ

    path = tmp_path / "w.duckdb"
    suite.build(path, 2_000)
    at = datetime(2026, 12, 1, 0, 30, tzinfo=TZ)
    monkeypatch.setattr(open_request, "clock_now", lambda: at)
    with open_request.writable_copy(path) as store:
        writes = open_request.Writes(store, 4, 1)
        times, floor = writes.round(2)
    assert len(times) == 4 and len(floor) == 4 and writes.refused == 0
