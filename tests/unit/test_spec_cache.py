"""Chart specs cached by their data (issue 17, ui/spec_cache.py): the same data draws from the
cache, and any change to the data or to an option builds a new spec, so a chart can never show
old data."""

from __future__ import annotations

import json
from datetime import datetime

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from lib.domain import TZ
from ui import chart_blocks, charts, spec_cache
from ui.incidents import charts as incident_charts


def drawn(chart) -> tuple[dict, list[list[dict]]]:
    """What st.altair_chart sends: the spec and the rows of each dataset."""
    spec = _convert_altair_to_vega_lite_spec(chart_blocks.Unvalidated(chart))
    rows = [pa.ipc.open_stream(b).read_all().to_pylist() for b in spec["datasets"].values()]
    return spec, rows


def frame(**counts: int) -> pd.DataFrame:
    return pd.DataFrame({"k": list(counts), "n": list(counts.values())})


def build(df: pd.DataFrame, title: str = "T") -> alt.Chart:
    return alt.Chart(df).mark_bar().encode(x="n:Q", y="k:N").properties(title=title)


@pytest.fixture(autouse=True)
def _empty_cache():
    spec_cache.clear()
    yield
    spec_cache.clear()


def test_the_same_data_is_drawn_from_the_cache_and_equals_a_fresh_build():
    df = frame(a=1, b=2)
    first, rows = drawn(spec_cache.chart(build, df))
    builds = spec_cache.stats["builds"]
    again, rows_again = drawn(spec_cache.chart(build, df.copy()))
    assert spec_cache.stats["builds"] == builds  # no new build
    plain, plain_rows = drawn(build(df))
    assert again == first == plain and rows_again == rows == plain_rows
    assert rows == [[{"k": "a", "n": 1}, {"k": "b", "n": 2}]]


def test_a_changed_dataset_never_shows_the_old_chart():
    df = frame(a=1, b=2)
    drawn(spec_cache.chart(build, df))
    df.loc[1, "n"] = 5  # the same object, a value changed in place
    _, rows = drawn(spec_cache.chart(build, df))
    assert rows == [[{"k": "a", "n": 1}, {"k": "b", "n": 5}]]
    _, rows = drawn(spec_cache.chart(build, frame(a=1, b=2, c=3)))  # a row more
    assert rows == [[{"k": "a", "n": 1}, {"k": "b", "n": 2}, {"k": "c", "n": 3}]]
    # another option is another chart too
    spec, _ = drawn(spec_cache.chart(build, frame(a=1, b=2), title="Outro"))
    assert spec["title"] == "Outro"


def test_what_streamlit_does_to_the_spec_it_gets_does_not_reach_the_cache():
    df = frame(a=1)
    spec, _ = drawn(spec_cache.chart(build, df))
    spec["datasets"].clear()
    spec["mark"] = "line"
    again, rows = drawn(spec_cache.chart(build, df))
    assert again["mark"] == {"type": "bar"} and rows == [[{"k": "a", "n": 1}]]


def test_outside_streamlit_a_spec_is_a_plain_build():
    df = frame(a=1)
    cached = spec_cache.chart(build, df)
    assert cached.to_dict() == build(df).to_dict()  # inline data, as Altair gives it
    assert charts.title_of(cached.chart) == "T"


def test_the_app_charts_drawn_from_the_cache_equal_fresh_ones():
    rows = [
        {
            "id": i,
            "reason": 3 + i % 3,
            "title": f"Queda {i}",
            "started_at": datetime(2026, 11, i, 10, 0, tzinfo=TZ),
            "customers": 10 * i,
            "requests": i,
            "computed": i * 1.5,
        }
        for i in range(1, 5)
    ]
    df = incident_charts.incidents_frame(rows)
    for metric in ("customers", "computed"):
        cached, _ = drawn(spec_cache.chart(incident_charts.top_chart, df, metric))
        fresh, _ = drawn(incident_charts.top_chart(df, metric))
        hit, _ = drawn(spec_cache.chart(incident_charts.top_chart, df, metric))
        assert json.dumps(cached, sort_keys=True, default=str) == json.dumps(
            fresh, sort_keys=True, default=str
        )
        assert hit == cached


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(spec_cache, "MAX_ENTRIES", 4)
    for i in range(7):
        drawn(spec_cache.chart(build, frame(a=i)))
    assert len(spec_cache._specs) == 4


def test_arguments_that_do_not_pickle_are_drawn_uncached():
    df = frame(a=1)
    cached = spec_cache.chart(lambda d, f: build(f(d)), df, lambda d: d)
    assert cached.key is None
    builds = spec_cache.stats["builds"]
    _, rows = drawn(cached)
    assert rows == [[{"k": "a", "n": 1}]] and spec_cache.stats["builds"] == builds
