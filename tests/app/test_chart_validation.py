"""Issue 17: the server draws chart specs without Altair's schema validation (5 ms a chart);
the tests keep validating them."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from ui import chart_blocks


def invalid_chart() -> alt.Chart:
    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q")
    chart.mark = "not-a-mark"  # type: ignore[assignment]  # fails the Vega-Lite schema
    return chart


def test_the_tests_validate_the_specs_they_draw():
    assert chart_blocks.VALIDATE_CHARTS
    with pytest.raises(Exception, match="not-a-mark|valid"):
        chart_blocks.Unvalidated(invalid_chart()).to_dict()


def test_the_server_skips_the_schema_validation(monkeypatch):
    monkeypatch.setattr(chart_blocks, "VALIDATE_CHARTS", False)
    spec = chart_blocks.Unvalidated(invalid_chart()).to_dict()
    assert spec["mark"] == {"type": "not-a-mark"}
    good = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q")
    assert chart_blocks.Unvalidated(good).to_dict() == good.to_dict()
