"""The benchmark suite's smoke run (10k tickets, one repetition) runs with the tests, so the
bench cannot rot unnoticed. It checks the table is printed, never a timing."""

from __future__ import annotations

from bench import suite


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
